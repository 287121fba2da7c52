// Rule under test: --list prints the selected tools grouped by resource, in registry order, with their
// operation and title, then the count.
import { expect, test } from 'vitest';
import { formatToolList } from '../../src/cli/list-tools.js';
import { parseCliOptions } from '../../src/cli/options.js';
import { ALL_TOOLS } from '../../src/tools/index.js';
import { selectTools } from '../../src/tools/select.js';

const listFor = (argv: string[]) => formatToolList(selectTools(ALL_TOOLS, parseCliOptions(argv, {}).filter));

test('two resources, grouped and counted', () => {
  expect(listFor(['--resource=settings,brands'])).toBe(
    [
      'brands',
      '  create_brand                         write  Create brand',
      '  get_brand                            read   Get brand',
      '  list_brands                          read   List brands',
      '  update_brand                         write  Update brand',
      'settings',
      '  get_business_settings                read   Get business settings',
      '  update_business_settings             write  Update business settings',
      '',
      '6 tools',
    ].join('\n'),
  );
});

test('one tool is counted in the singular; no tools print only the count', () => {
  expect(listFor(['--tool=get_business_settings'])).toBe(
    ['settings', '  get_business_settings                read   Get business settings', '', '1 tool'].join('\n'),
  );
  expect(listFor(['--tool=get_brand', '--resource=settings'])).toBe(['', '0 tools'].join('\n'));
});
