// Our DescribeConfigs answer for a topic at its defaults, next to what Kafka 4.1.2 answered the
// same request (golden frames): the same config names, values, sources and synonyms, including
// the cluster-level min.insync.replicas a freshly formatted Kafka 4.1 has (cluster.ts). Broker
// resources in the frames are compared on that config. Rivulet's topic configs are Kafka 4.4's, which
// has four that 4.1.2 did not (NEW_IN_4_4); those are left out of the comparison.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DescribeConfigs } from '../../protocol/apis/describe-configs.js'
import { readRequestHeader, readResponseHeader } from '../../protocol/header.js'
import { Reader } from '../../protocol/primitives.js'
import { startTestBroker, type TestBroker } from '../helpers/broker.js'
import { TestClient } from '../helpers/client.js'
import { goldenFrames } from '../helpers/golden.js'

const NEW_IN_4_4 = ['errors.deadletterqueue.group.enable', 'max.decompressed.message.bytes', 'remote.copy.lag.bytes', 'remote.copy.lag.ms']

let broker: TestBroker
let client: TestClient
beforeAll(async () => {
  broker = await startTestBroker()
  client = await TestClient.connect(broker.port)
})
afterAll(async () => {
  await client?.close()
  await broker?.cleanup()
})

describe('DescribeConfigs against Kafka', () => {
  it.each(goldenFrames('describe-configs').map((f) => [f.file, f] as const))('%s: same topic configs', async (_file, f) => {
    const flexible = DescribeConfigs.isFlexible(f.apiVersion)
    const rq = new Reader(f.request)
    readRequestHeader(rq, flexible)
    const req = DescribeConfigs.request(f.apiVersion).read(rq)
    const rs = new Reader(f.response!)
    readResponseHeader(rs, flexible)
    const kafka = DescribeConfigs.response(f.apiVersion).read(rs)
    const topicIndex = req.resources.findIndex((r) => r.resourceType === 2)
    const topic = req.resources[topicIndex]!.resourceName
    if (!broker.broker.cluster.topic(topic)) broker.broker.createTopic(topic, 1, 1, {})
    const ours = await client.send(DescribeConfigs, f.apiVersion, { ...req, resources: [req.resources[topicIndex]!] })
    const view = (configs: typeof kafka.results[number]['configs']) =>
      configs.map((c) => ({ name: c.name, value: c.value, source: c.configSource, readOnly: c.readOnly, synonyms: c.synonyms })).sort((a, b) => a.name.localeCompare(b.name))
    const [newer, common] = [true, false].map((added) => ours.results[0]!.configs.filter((c) => NEW_IN_4_4.includes(c.name) === added))
    expect(newer!.map((c) => c.name).sort()).toEqual(NEW_IN_4_4)
    expect(view(common!)).toEqual(view(kafka.results[topicIndex]!.configs))
  })

  const withBroker = goldenFrames('describe-configs').filter((f) => {
    const rq = new Reader(f.request)
    readRequestHeader(rq, DescribeConfigs.isFlexible(f.apiVersion))
    return DescribeConfigs.request(f.apiVersion).read(rq).resources.some((r) => r.resourceType === 4)
  })
  it.each(withBroker.map((f) => [f.file, f] as const))('%s: same broker min.insync.replicas', async (_file, f) => {
    const flexible = DescribeConfigs.isFlexible(f.apiVersion)
    const rq = new Reader(f.request)
    readRequestHeader(rq, flexible)
    const req = DescribeConfigs.request(f.apiVersion).read(rq)
    const rs = new Reader(f.response!)
    readResponseHeader(rs, flexible)
    const kafka = DescribeConfigs.response(f.apiVersion).read(rs)
    const i = req.resources.findIndex((r) => r.resourceType === 4)
    const ours = await client.send(DescribeConfigs, f.apiVersion, { ...req, resources: [{ ...req.resources[i]!, resourceName: String(broker.broker.nodeId) }] })
    const pick = (configs: typeof kafka.results[number]['configs']) => configs.find((c) => c.name === 'min.insync.replicas')
    expect(pick(ours.results[0]!.configs)).toEqual(pick(kafka.results[i]!.configs))
  })
})
