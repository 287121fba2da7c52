import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { idOf } from '../schemas/common.js';
import { meterSchema } from '../schemas/usage.js';

export const getMeter = defineTool({
  name: 'get_meter',
  resource: 'meters',
  operation: 'read',
  title: 'Get meter',
  description: 'Returns one meter by id: event name, unit, aggregation, filter and whether it is archived.',
  input: z.object({ meter_id: idOf('meter', 'mtr') }),
  output: meterSchema,
  hints: { idempotentHint: true },
  handler: (engine, args) => engine.meters.get(args.meter_id),
});
