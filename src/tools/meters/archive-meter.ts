import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { idOf } from '../schemas/common.js';
import { meterSchema } from '../schemas/usage.js';

export const archiveMeter = defineTool({
  name: 'archive_meter',
  resource: 'meters',
  operation: 'write',
  title: 'Archive meter',
  description: 'Archives a meter: it can no longer be added to products; products that have it keep billing it. unarchive_meter restores it.',
  input: z.object({ meter_id: idOf('meter', 'mtr') }),
  output: meterSchema,
  hints: { destructiveHint: true, idempotentHint: true },
  handler: (engine, args) => engine.meters.archive(args.meter_id),
});
