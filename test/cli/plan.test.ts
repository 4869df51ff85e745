import {strict as assert} from 'node:assert'

import {processColumns} from '../../src/columns/index.js'
import {Context, type OutputFlags} from '../../src/cli/context.js'
import {neededFields} from '../../src/core/query.js'
import {buildSelection} from '../../src/core/select.js'

/** What a listing reads for these output flags: the fields the source is asked for. */
function fieldsFor(flags: Partial<OutputFlags>, selectors = {}) {
  const plan = new Context('list', process.cwd()).outputPlan({header: true, json: false, ...flags}, {machine: processColumns, sort: 'pid', table: 'pid,user,command'})!
  const selection = buildSelection(selectors)
  return {fields: neededFields({columns: plan.columns, fullRecords: plan.wholeRecords, selection, sort: []}), plan}
}

describe('the output plan decides what is read', () => {
  it('--format pids reads what the pid and the selection need, not whole records (pgrep\'s use)', () => {
    const {fields, plan} = fieldsFor({format: 'pids'})
    assert.equal(plan.wholeRecords, false)
    assert.deepEqual([...fields].sort(), ['bootId', 'pid', 'ppid', 'startTicks'])
    assert.ok(fieldsFor({format: 'pids'}, {name: ['sleep']}).fields.has('name'))
  })

  it('JSON, NDJSON and CSV without --columns read whole records; with --columns, what they show', () => {
    for (const format of ['json', 'ndjson', 'csv']) {
      assert.equal(fieldsFor({format}).plan.wholeRecords, true, format)
      assert.equal(fieldsFor({columns: 'pid,rss', format}).plan.wholeRecords, false, format)
      assert.ok(!fieldsFor({columns: 'pid,rss', format}).fields.has('exe'), format)
    }

    assert.equal(fieldsFor({json: true}).plan.wholeRecords, true)
  })

  it('the table and the list format read what their columns need', () => {
    for (const format of ['table', 'list']) {
      const {fields, plan} = fieldsFor({format})
      assert.equal(plan.wholeRecords, false, format)
      assert.ok(fields.has('user') && fields.has('command') && !fields.has('exe'), format)
    }
  })
})
