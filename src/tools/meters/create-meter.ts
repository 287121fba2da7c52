import { z } from 'zod';
import { AGGREGATION_TYPES } from '../../engine/index.js';
import { defineTool } from '../define-tool.js';
import { meterFilterSchema, meterSchema } from '../schemas/usage.js';

export const createMeter = defineTool({
  name: 'create_meter',
  resource: 'meters',
  operation: 'write',
  title: 'Create meter',
  description:
    'Creates a meter counting the usage events named event_name (case-sensitive) that pass an optional filter; price it in the meters of a usage-based product (create_product). At most 50 meters.',
  input: z.object({
    name: z.string().describe('Display name, 1–100 characters: "API calls".'),
    description: z.string().nullable().optional().describe('Up to 1000 characters.'),
    event_name: z.string().describe('Events counted: exact, case-sensitive name ("api.call").'),
    measurement_unit: z.string().describe('Label of the units: "calls", "tokens", "GB".'),
    aggregation: z
      .strictObject({
        type: z.enum(AGGREGATION_TYPES).describe('count events, or sum|max|last|unique_count of metadata[key].'),
        key: z.string().nullable().optional().describe('The metadata key aggregated; required unless type is count.'),
      })
      .describe('How matching events become units.'),
    filter: meterFilterSchema.nullable().optional().describe('Only events whose metadata pass it count; omit for all.'),
  }),
  output: meterSchema,
  handler: (engine, args) => engine.meters.create(args),
});
