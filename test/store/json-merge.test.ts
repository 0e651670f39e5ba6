// Three-way merge of metadata documents: disjoint changes from two brokers both survive (keys,
// named list entries such as cluster.json's topics, removals); a key both changed differently
// keeps ours; a document that is not JSON is ours unless ours is unchanged.
import { describe, expect, it } from 'vitest'
import { mergeDocuments } from '../../src/store/json-merge.js'

const doc = (v: unknown) => JSON.stringify(v, null, 1)

describe('mergeDocuments', () => {
  const base = { clusterId: 'c', topics: [{ name: 'a', partitions: 1 }, { name: 'b', partitions: 1 }], configs: { x: '1', y: '1' } }

  it('keeps both sides of disjoint changes: topics created, deleted and altered, config keys', () => {
    const ours = { ...base, topics: [{ name: 'a', partitions: 3 }, { name: 'b', partitions: 1 }, { name: 'c', partitions: 1 }], configs: { x: '2', y: '1' } }
    const theirs = { ...base, topics: [{ name: 'a', partitions: 1 }, { name: 'd', partitions: 2 }], configs: { x: '1' } }
    expect(JSON.parse(mergeDocuments(doc(base), doc(ours), doc(theirs))!)).toEqual({
      clusterId: 'c',
      topics: [{ name: 'a', partitions: 3 }, { name: 'c', partitions: 1 }, { name: 'd', partitions: 2 }],
      configs: { x: '2' },
    })
  })

  it('keeps ours where both changed one key differently, theirs where only they changed', () => {
    const ours = { ...base, configs: { x: 'ours', y: '1' } }
    const theirs = { ...base, configs: { x: 'theirs', y: 'theirs' } }
    expect(JSON.parse(mergeDocuments(doc(base), doc(ours), doc(theirs))!).configs).toEqual({ x: 'ours', y: 'theirs' })
  })

  it('takes the other side whole when one side did not change, and handles absent documents', () => {
    expect(mergeDocuments('base', 'base', 'theirs')).toBe('theirs')
    expect(mergeDocuments('base', 'ours', 'base')).toBe('ours')
    expect(mergeDocuments('base', 'ours', 'theirs')).toBe('ours') // not JSON: ours
    expect(mergeDocuments(null, doc({ a: 1 }), doc({ b: 2 }))).toBe(doc({ a: 1, b: 2 }))
    expect(mergeDocuments(doc({ a: 1 }), null, doc({ a: 1 }))).toBeNull()
    // Removed here, changed there: the removal, as the later writer's.
    expect(mergeDocuments(doc({ a: 1 }), null, doc({ a: 1, b: 2 }))).toBeNull()
  })
})
