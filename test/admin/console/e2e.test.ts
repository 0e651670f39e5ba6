// The web console end to end in headless Chromium: a topic created in the page exists for kafkajs,
// a message produced in the page (with a header) shows in the message browser with its JSON
// pretty-printed, a kafkajs consumer group's lag appears, and resetting its offsets in the page
// moves what kafkajs then fetches. The page must run without a script error.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { startTestBroker, type TestBroker } from '../../helpers/broker.js'
import { chromiumPath, launchChromium, noChromiumMessage, requireChromium } from '../../helpers/chromium.js'
import { Kafka, logLevel } from '../../helpers/kafkajs.js'

if (!chromiumPath && !requireChromium) console.warn(`console e2e tests skipped: ${noChromiumMessage}`)

describe.runIf(!chromiumPath && requireChromium)('console in Chromium (CI)', () => {
  it('has a Chromium to run in', () => {
    throw new Error(`CI=true but ${noChromiumMessage}`)
  })
})

describe.runIf(chromiumPath)('console in Chromium', () => {
  let b: TestBroker
  let browser: Browser
  let page: Page
  const pageErrors: string[] = []

  beforeAll(async () => {
    b = await startTestBroker({ adminPort: 0 })
    browser = await launchChromium()
    page = await browser.newPage()
    page.setDefaultTimeout(15_000)
    page.on('pageerror', (err) => pageErrors.push(err.message))
    page.on('console', (m) => m.type() === 'error' && pageErrors.push(m.text()))
    page.on('dialog', (d) => (pageErrors.push(`dialog: ${d.message()}`), void d.dismiss()))
  })
  afterAll(async () => {
    await browser?.close()
    await b?.cleanup()
  })

  it('creates a topic, produces and browses a message, shows a group with lag and resets its offsets', async () => {
    const kafka = new Kafka({ brokers: [b.bootstrap], clientId: 'e2e', logLevel: logLevel.NOTHING })
    await page.goto(`${b.adminUrl}/#/topics`)
    await page.fill('#create-topic input[name=name]', 'e2e-orders')
    await page.fill('#create-topic input[name=partitions]', '2')
    await page.click('#create-topic button[type=submit]')
    await page.locator('a[data-topic="e2e-orders"]').waitFor()
    const admin = kafka.admin()
    await admin.connect()
    expect((await admin.fetchTopicMetadata({ topics: ['e2e-orders'] })).topics[0]!.partitions).toHaveLength(2)

    await page.click('a[data-topic="e2e-orders"]')
    await page.getByText('Browse messages').click()
    await page.selectOption('#produce select[name=partition]', '0')
    await page.fill('#produce input[name=key]', 'order-1')
    await page.fill('#produce textarea[name=value]', '{"item":"kettle","qty":2}')
    await page.fill('#produce input[name=header-key]', 'source')
    await page.fill('#produce input[name=header-value]', 'e2e')
    await page.click('#produce button[type=submit]')
    const row = page.locator('#records tbody tr', { hasText: 'order-1' })
    await row.waitFor()
    expect(await row.locator('pre').nth(1).textContent()).toBe('{\n  "item": "kettle",\n  "qty": 2\n}')
    expect(await row.textContent()).toContain('source: e2e')

    // Record contents go into the page as text, never as markup.
    await page.fill('#produce input[name=key]', '<b id="injected">bold</b>')
    await page.fill('#produce textarea[name=value]', '<img src=x onerror="document.title=\'pwned\'">')
    await page.click('#produce button[type=submit]')
    const hostile = page.locator('#records tbody tr', { hasText: '<b id="injected">bold</b>' })
    await hostile.waitFor()
    expect(await page.locator('#injected').count()).toBe(0)
    expect(await hostile.locator('img').count()).toBe(0)
    expect(await page.title()).toBe('Rivulet console')

    // Seek to offset 0 of partition 0, one record a page, then page forward.
    await page.selectOption('#seek select[name=partition]', '0')
    await page.selectOption('#seek select[name=mode]', 'offset')
    await page.fill('#seek input[name=from]', '0')
    await page.fill('#seek input[name=limit]', '1')
    await page.click('#seek button[type=submit]')
    await page.locator('#records tbody tr', { hasText: 'order-1' }).waitFor()
    await page.click('#next-page')
    await page.locator('#records tbody tr', { hasText: 'injected' }).waitFor()
    expect(await page.locator('#records tbody tr').count()).toBe(1)

    // A kafkajs group reads both messages and commits, leaves, then two more arrive: lag 2.
    const consumer = kafka.consumer({ groupId: 'e2e-group', maxWaitTimeInMs: 100 })
    await consumer.connect()
    await consumer.subscribe({ topics: ['e2e-orders'], fromBeginning: true })
    await consumer.run({ autoCommitThreshold: 1, eachMessage: async () => {} })
    await b.kit.until.condition('e2e-group committed both records', (br) => [...(br.groups.group('e2e-group')?.offsets.values() ?? [])].reduce((n, c) => n + c.offset, 0) === 2, { timeoutMs: 20_000 })
    await consumer.disconnect()
    const producer = kafka.producer()
    await producer.connect()
    await producer.send({ topic: 'e2e-orders', messages: [{ value: 'a', partition: 0 }, { value: 'b', partition: 0 }] })
    await producer.disconnect()

    await page.goto(`${b.adminUrl}/#/groups`)
    await page.locator('[data-lag="e2e-group"]', { hasText: /^2$/ }).waitFor()
    await page.click('a[data-group="e2e-group"]')
    await page.locator('#group-lag', { hasText: /^2$/ }).waitFor()
    await page.selectOption('#reset-offsets select[name=to]', 'earliest')
    await page.click('#reset-offsets button[type=submit]')
    await page.locator('#group-lag', { hasText: /^4$/ }).waitFor()
    const offsets = await admin.fetchOffsets({ groupId: 'e2e-group', topics: ['e2e-orders'] })
    expect(offsets[0]!.partitions.find((p) => p.partition === 0)!.offset).toBe('0')
    await admin.disconnect()

    for (const view of ['#/overview', '#/transactions']) {
      await page.goto(`${b.adminUrl}/${view}`)
      await page.locator('#updated', { hasText: 'updated' }).waitFor()
    }
    expect(pageErrors).toEqual([])
  })
})
