import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { idOf } from '../schemas/common.js';
import { meterSchema } from '../schemas/usage.js';

export const unarchiveMeter = defineTool({
  name: 'unarchive_meter',
  resource: 'meters',
  operation: 'write',
  title: 'Unarchive meter',
  description: 'Restores an archived meter so products can use it again.',
  input: z.object({ meter_id: idOf('meter', 'mtr') }),
  output: meterSchema,
  hints: { idempotentHint: true },
  handler: (engine, args) => engine.meters.unarchive(args.meter_id),
});
