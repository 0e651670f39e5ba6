// Rivulet's web console: hand-written, no framework, no build step. Hash routes pick a view; each
// view builds its forms once and refreshes its live part every 2 s (poll) from the JSON API under
// /api. Every value from the broker goes into the page as text (never as HTML), so a topic name or
// record cannot inject markup. Actions send JSON, which the server requires (no cross-site forms).
'use strict'

const POLL_MS = 2000
const $view = document.getElementById('view')

function h(tag, attrs, ...children) {
  const el = document.createElement(tag)
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v)
    else if (k === 'class') el.className = v
    else if (k === 'value') el.value = v
    else el.setAttribute(k, v === true ? '' : String(v))
  }
  for (const c of children.flat(Infinity)) if (c !== null && c !== undefined && c !== false) el.append(c instanceof Node ? c : String(c))
  return el
}

async function api(method, path, body) {
  const init = { method, headers: {} }
  if (method !== 'GET') {
    init.headers['content-type'] = 'application/json'
    init.body = JSON.stringify(body ?? {})
  }
  const res = await fetch(path, init)
  const json = await res.json().catch(() => ({ error: `HTTP ${res.status}` }))
  if (!res.ok) throw new Error(json.error || `HTTP ${res.status}`)
  return json
}

let noticeTimer = null
function notice(text, error = false) {
  const n = document.getElementById('notice')
  n.textContent = text
  n.className = error ? 'error' : ''
  n.hidden = false
  clearTimeout(noticeTimer)
  noticeTimer = setTimeout(() => (n.hidden = true), error ? 8000 : 4000)
}

// Runs an action from a form or button: shows its error instead of throwing, refreshes after.
async function act(fn, done) {
  try {
    const out = await fn()
    if (done) notice(done(out))
    await refresh()
    return out
  } catch (err) {
    notice(err.message, true)
    return undefined
  }
}

const fmt = {
  n: (x) => (x === null || x === undefined ? '–' : Number(x).toLocaleString('en-US')),
  bytes(x) {
    if (x === null || x === undefined) return '–'
    const u = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
    let i = 0
    while (x >= 1024 && i < u.length - 1) (x /= 1024), i++
    return `${i === 0 ? x : x.toFixed(1)} ${u[i]}`
  },
  time: (ms) => (ms === null || ms === undefined || ms < 0 ? '–' : new Date(ms).toISOString().replace('T', ' ').replace('Z', '')),
  ago(ms) {
    const s = Math.max(0, Math.round(ms / 1000))
    return s < 120 ? `${s} s` : s < 7200 ? `${Math.round(s / 60)} min` : `${Math.round(s / 3600)} h`
  },
}
const enc = encodeURIComponent
const badge = (s) => h('span', { class: `badge ${s}` }, s)
const card = (k, v, small) => h('div', { class: 'card' }, h('div', { class: 'k' }, k), h('div', { class: small ? 'v small' : 'v' }, v))
const field = (label, input) => h('label', { class: 'f' }, label, input)

function table(cols, rows, empty = 'Nothing here yet.') {
  const head = h('tr', {}, cols.map((c) => h('th', { class: c.num ? 'num' : null }, c.label)))
  const body = rows.length === 0
    ? [h('tr', {}, h('td', { colspan: cols.length, class: 'empty' }, empty))]
    : rows.map((r) => h('tr', {}, cols.map((c) => h('td', { class: c.num ? 'num' : null }, c.get(r)))))
  return h('table', {}, h('thead', {}, head), h('tbody', {}, body))
}

// A record's key, value or header as the API shows it: text (JSON pretty-printed) or hex.
function shown(v) {
  if (v === null) return h('span', { class: 'muted' }, 'null')
  const more = v.truncated ? h('span', { class: 'muted' }, ` … (${fmt.bytes(v.length)})`) : null
  if (v.encoding === 'hex') return h('span', {}, h('span', { class: 'badge hex' }, 'hex'), ' ', h('code', {}, v.data), more)
  const t = v.data.trim()
  if (!v.truncated && (t.startsWith('{') || t.startsWith('['))) {
    try {
      return h('pre', {}, JSON.stringify(JSON.parse(t), null, 2))
    } catch { /* not JSON after all: shown as text */ }
  }
  return h('pre', {}, v.data, more)
}

// ---- views: mount(el, params) builds the page and returns update(), run now and on every poll ----

const views = {
  async overview(el) {
    const cards = h('div', { class: 'cards' })
    const listeners = h('div')
    el.append(h('h1', {}, 'Cluster'), cards, h('h2', {}, 'Brokers and listeners'), listeners)
    return async () => {
      const o = await api('GET', '/api/overview')
      cards.replaceChildren(
        card('Cluster id', o.clusterId, true), card('Broker (node id)', o.nodeId), card('Advertised', o.advertised, true),
        card('Storage', o.storage, true), card('Uptime', fmt.ago(Date.now() - o.startedAt)), card('Resident memory', fmt.bytes(o.rssBytes)),
        card('Topics', `${fmt.n(o.topics)} (+${o.internalTopics} internal)`), card('Partitions', fmt.n(o.partitions)), card('Log size', fmt.bytes(o.bytes)),
        card('Consumer groups', fmt.n(o.groups)), card('Transactional ids', fmt.n(o.transactions)), card('Authorizer', o.authorizer ? 'StandardAuthorizer' : 'none'),
      )
      listeners.replaceChildren(table([
        { label: 'Broker', num: true, get: () => o.nodeId }, { label: 'Listener', get: (l) => l.name }, { label: 'Security protocol', get: (l) => l.securityProtocol },
        { label: 'Advertised endpoint', get: (l) => h('span', { class: 'mono' }, `${l.host}:${l.port}`) }, { label: 'Open connections', num: true, get: (l) => fmt.n(l.connections) },
      ], o.listeners))
    }
  },

  async topics(el) {
    const showInternal = h('input', { type: 'checkbox', id: 'show-internal' })
    const list = h('div')
    const name = h('input', { name: 'name', placeholder: 'orders', required: true })
    const partitions = h('input', { name: 'partitions', type: 'number', min: 1, value: '1', class: 'w-num' })
    const configs = h('textarea', { name: 'configs', placeholder: 'cleanup.policy=compact\nretention.ms=86400000', rows: 2, class: 'w-configs' })
    const create = h('form', { class: 'inline', id: 'create-topic', onsubmit: (e) => {
      e.preventDefault()
      act(() => api('POST', '/api/topics', { name: name.value.trim(), partitions: Number(partitions.value), configs: parseConfigs(configs.value) }), (t) => `Created topic ${t.name} with ${t.partitions} partition(s)`)
        .then((t) => t && (name.value = ''))
    } }, field('Name', name), field('Partitions', partitions), field('Configs (key=value per line)', configs), h('button', { type: 'submit' }, 'Create topic'))
    showInternal.addEventListener('change', () => refresh())
    el.append(h('h1', {}, 'Topics'), h('div', { class: 'panel' }, create), h('p', {}, h('label', {}, showInternal, ' Show internal topics')), list)
    return async () => {
      const { topics } = await api('GET', '/api/topics')
      const rows = topics.filter((t) => showInternal.checked || !t.internal)
      list.replaceChildren(table([
        { label: 'Topic', get: (t) => h('a', { href: `#/topics/${enc(t.name)}`, 'data-topic': t.name }, t.name) },
        { label: 'Partitions', num: true, get: (t) => t.partitions },
        { label: 'Messages', num: true, get: (t) => fmt.n(t.messages) },
        { label: 'Size', num: true, get: (t) => fmt.bytes(t.bytes) },
        { label: 'Cleanup policy', get: (t) => t.cleanupPolicy },
        { label: '', get: (t) => h('a', { href: `#/messages/${enc(t.name)}` }, 'Messages') },
      ], rows, 'No topics yet: create one above.'))
    }
  },

  async topic(el, [topic]) {
    const title = h('h1', {}, 'Topic ', h('span', { class: 'mono' }, topic), h('a', { href: `#/messages/${enc(topic)}` }, 'Browse messages'),
      h('button', { class: 'danger', onclick: () => confirm(`Delete topic ${topic} and all its records?`) && act(() => api('DELETE', `/api/topics/${enc(topic)}`), () => `Deleted topic ${topic}`).then((r) => r && (location.hash = '#/topics')) }, 'Delete topic'))
    const parts = h('div')
    const count = h('input', { type: 'number', min: 1, class: 'w-num', name: 'count' })
    const add = h('form', { class: 'inline', onsubmit: (e) => (e.preventDefault(), act(() => api('POST', `/api/topics/${enc(topic)}/partitions`, { count: Number(count.value) }), (r) => `${topic} now has ${r.partitions} partitions`)) },
      field('New partition count', count), h('button', { type: 'submit', class: 'secondary' }, 'Add partitions'))
    const filter = h('input', { placeholder: 'filter configs', oninput: () => refresh() })
    const overridesOnly = h('input', { type: 'checkbox', onchange: () => refresh() })
    const cfgs = h('div')
    el.append(title, h('h2', {}, 'Partitions'), parts, h('div', { class: 'panel' }, add), h('h2', {}, 'Configs'), h('p', { class: 'row' }, filter, h('label', {}, overridesOnly, ' overrides only')), cfgs)
    let editing = null
    return async () => {
      const t = await api('GET', `/api/topics/${enc(topic)}`)
      if (!count.value) count.value = String(t.partitions.length + 1)
      parts.replaceChildren(table([
        { label: 'Partition', num: true, get: (p) => p.partition }, { label: 'Leader', num: true, get: (p) => p.leader },
        { label: 'Log start', num: true, get: (p) => fmt.n(p.logStartOffset) }, { label: 'High watermark', num: true, get: (p) => fmt.n(p.highWatermark) },
        { label: 'Last stable', num: true, get: (p) => fmt.n(p.lastStableOffset) }, { label: 'Size', num: true, get: (p) => fmt.bytes(p.bytes) },
        { label: 'Segments', num: true, get: (p) => p.segments },
      ], t.partitions))
      if (editing) return // a config being edited is not redrawn under the user's cursor
      const q = filter.value.trim().toLowerCase()
      const rows = t.configs.filter((c) => (!overridesOnly.checked || c.source === 'TOPIC_CONFIG') && (!q || c.name.includes(q)))
      cfgs.replaceChildren(table([
        { label: 'Name', get: (c) => h('span', { class: 'mono', title: c.doc }, c.name) },
        { label: 'Value', get: (c) => h('span', { class: 'mono', 'data-config': c.name }, c.sensitive ? '(sensitive)' : c.value ?? 'null') },
        { label: 'Source', get: (c) => h('span', { class: c.isDefault ? 'muted' : null }, c.source) },
        { label: '', get: (c) => (c.readOnly ? '' : [h('button', { class: 'link', onclick: (e) => editConfig(e.target.closest('tr'), c) }, 'Edit'),
          c.source === 'TOPIC_CONFIG' ? h('button', { class: 'link', onclick: () => act(() => api('POST', `/api/topics/${enc(topic)}/configs`, { delete: [c.name] }), () => `${c.name} reset to its inherited value`) }, 'Reset') : null]) },
      ], rows))
    }
    function editConfig(tr, c) {
      editing = c.name
      const input = h('input', { value: c.value ?? '', class: 'mono full' })
      const done = () => ((editing = null), refresh())
      tr.children[1].replaceChildren(input)
      tr.children[3].replaceChildren(
        h('button', { onclick: () => act(() => api('POST', `/api/topics/${enc(topic)}/configs`, { set: { [c.name]: input.value } }), () => `${c.name} set`).then((r) => r && done()) }, 'Save'),
        h('button', { class: 'link', onclick: done }, 'Cancel'))
      input.focus()
    }
  },

  async messages(el, [topic]) {
    const meta = await api('GET', `/api/topics/${enc(topic)}`)
    const partOpts = [h('option', { value: '' }, 'all'), ...meta.partitions.map((p) => h('option', { value: p.partition }, p.partition))]
    const partition = h('select', { name: 'partition' }, partOpts)
    const mode = h('select', { name: 'mode' }, h('option', { value: 'newest' }, 'newest'), h('option', { value: 'offset' }, 'from offset'), h('option', { value: 'timestamp' }, 'from time'))
    const from = h('input', { name: 'from', placeholder: 'offset, or 2026-12-07T12:00', class: 'w-wide' })
    const limit = h('input', { name: 'limit', type: 'number', min: 1, max: 500, value: '50', class: 'w-num' })
    const q = h('input', { name: 'q', placeholder: 'search key, value, headers' })
    const results = h('div')
    // A seek in one partition pages forward from where the last page stopped.
    const next = h('button', { type: 'button', class: 'secondary', id: 'next-page', hidden: true, onclick: () => {
      params.delete('timestamp')
      params.set('offset', next.dataset.offset)
      refresh()
    } }, 'Next page')
    const status = h('p', { class: 'muted' })
    let params = new URLSearchParams({ limit: '50' })
    const seek = h('form', { class: 'inline', id: 'seek', onsubmit: (e) => {
      e.preventDefault()
      params = new URLSearchParams({ limit: limit.value || '50' })
      if (partition.value !== '') params.set('partition', partition.value)
      if (mode.value === 'offset') params.set('offset', from.value.trim() || '0')
      if (mode.value === 'timestamp') params.set('timestamp', String(Date.parse(from.value)))
      if (q.value) params.set('q', q.value)
      refresh()
    } }, field('Partition', partition), field('Position', mode), field('Offset / time', from), field('Limit', limit), field('Search', q), h('button', { type: 'submit' }, 'Load'))
    el.append(h('h1', {}, 'Messages in ', h('a', { href: `#/topics/${enc(topic)}`, class: 'mono' }, topic)), h('div', { class: 'grid2' }, h('div', { class: 'panel' }, seek), producePanel(topic, meta.partitions.length)), status, results, h('p', {}, next))
    let loaded = null
    return async (poll) => {
      // Only the newest page follows the log; a seek or search stays put until asked again.
      if (poll && loaded && (params.has('offset') || params.has('timestamp') || params.has('q'))) return
      const r = await api('GET', `/api/topics/${enc(topic)}/messages?${params}`)
      loaded = r
      const errors = r.partitions.flatMap((p) => p.errors.map((e) => `partition ${p.partition} offset ${e.offset}: ${e.error}`))
      status.textContent = `${r.records.length} record(s)${params.has('q') ? `, ${r.partitions.reduce((n, p) => n + p.scanned, 0)} scanned` : ''}${r.truncated ? ' (stopped at the 4 MiB an answer may carry: lower the limit or seek)' : ''}${errors.length ? `; unreadable batches: ${errors.join('; ')}` : ''}`
      results.replaceChildren(table([
        { label: 'Partition', num: true, get: (m) => m.partition }, { label: 'Offset', num: true, get: (m) => m.offset },
        { label: 'Timestamp', get: (m) => h('span', { class: 'mono' }, fmt.time(m.timestamp)) },
        { label: 'Key', get: (m) => shown(m.key) }, { label: 'Value', get: (m) => shown(m.value) },
        { label: 'Headers', get: (m) => m.headers.map((x) => h('span', { class: 'hdr' }, `${x.key}: `, x.value === null ? 'null' : x.value.encoding === 'hex' ? `0x${x.value.data}` : x.value.data)) },
      ], r.records, 'No records at this position.'))
      results.querySelector('table')?.setAttribute('id', 'records')
      const part = r.partitions.length === 1 ? r.partitions[0] : null
      next.hidden = !(part && part.next !== null && (params.has('offset') || params.has('timestamp')) && r.records.length > 0)
      if (part) next.dataset.offset = String(part.next)
    }
  },

  async groups(el) {
    const list = h('div')
    el.append(h('h1', {}, 'Consumer groups'), list)
    return async () => {
      const { groups } = await api('GET', '/api/groups')
      list.replaceChildren(table([
        { label: 'Group', get: (g) => h('a', { href: `#/groups/${enc(g.groupId)}`, 'data-group': g.groupId }, g.groupId) },
        { label: 'Type', get: (g) => g.type }, { label: 'State', get: (g) => badge(g.state) },
        { label: 'Members', num: true, get: (g) => g.members }, { label: 'Partitions', num: true, get: (g) => g.partitions },
        { label: 'Lag', num: true, get: (g) => h('span', { class: g.lag > 0 ? 'lag' : null, 'data-lag': g.groupId }, fmt.n(g.lag)) },
      ], groups, 'No consumer groups yet.'))
    }
  },

  async group(el, [groupId]) {
    const head = h('div', { class: 'cards' })
    const members = h('div')
    const offsets = h('div')
    const topic = h('select', { name: 'topic' })
    const to = h('select', { name: 'to' }, ['earliest', 'latest', 'offset', 'timestamp'].map((v) => h('option', { value: v }, v)))
    const value = h('input', { name: 'value', placeholder: 'offset or 2026-12-07T12:00', class: 'w-wide' })
    const why = h('span', { class: 'muted' })
    const submit = h('button', { type: 'submit' }, 'Reset offsets')
    const reset = h('form', { class: 'inline', id: 'reset-offsets', onsubmit: (e) => {
      e.preventDefault()
      const body = { topic: topic.value, to: to.value }
      if (to.value === 'offset') body.offset = Number(value.value)
      if (to.value === 'timestamp') body.timestamp = Date.parse(value.value)
      act(() => api('POST', `/api/groups/${enc(groupId)}/reset-offsets`, body), (r) => `Offsets of ${groupId} on ${r.topic} reset: ${r.offsets.map((o) => `${o.partition}→${o.offset}`).join(', ')}`)
    } }, field('Topic', topic), field('To', to), field('Offset / time', value), submit, why)
    el.append(h('h1', {}, 'Group ', h('span', { class: 'mono' }, groupId)), head, h('h2', {}, 'Members'), members, h('h2', {}, 'Committed offsets and lag'), offsets, h('h2', {}, 'Reset offsets'), h('div', { class: 'panel' }, reset))
    return async () => {
      const g = await api('GET', `/api/groups/${enc(groupId)}`)
      const lag = g.offsets.reduce((n, o) => n + (o.lag ?? 0), 0)
      head.replaceChildren(card('State', badge(g.state)), card('Type', g.type), card('Protocol', g.protocol ?? '–'), card('Generation', g.generation), card('Members', g.members.length), card('Total lag', h('span', { id: 'group-lag' }, fmt.n(lag))))
      members.replaceChildren(table([
        { label: 'Member', get: (m) => h('span', { class: 'mono' }, m.memberId) }, { label: 'Client id', get: (m) => m.clientId }, { label: 'Host', get: (m) => m.clientHost },
        { label: 'Assignment', get: (m) => (m.assignment === null ? h('span', { class: 'muted' }, 'not a consumer assignment') : m.assignment.map((a) => h('div', { class: 'mono' }, `${a.topic}: ${a.partitions.join(', ')}`))) },
      ], g.members, 'No members: the group is empty.'))
      offsets.replaceChildren(table([
        { label: 'Topic', get: (o) => o.topic }, { label: 'Partition', num: true, get: (o) => o.partition },
        { label: 'Committed', num: true, get: (o) => fmt.n(o.committed) }, { label: 'High watermark', num: true, get: (o) => fmt.n(o.highWatermark) },
        { label: 'Lag', num: true, get: (o) => h('span', { class: o.lag > 0 ? 'lag' : null }, fmt.n(o.lag)) },
        { label: 'Member', get: (o) => h('span', { class: 'mono muted' }, o.member ?? '') },
      ], g.offsets, 'No committed offsets.'))
      const topics = [...new Set(g.offsets.map((o) => o.topic))]
      if (topic.options.length !== topics.length) topic.replaceChildren(...topics.map((t) => h('option', { value: t }, t)))
      submit.disabled = g.members.length > 0
      why.textContent = g.members.length > 0 ? 'Only an empty group can be reset: stop its consumers first.' : ''
    }
  },

  async transactions(el) {
    const txns = h('div')
    const producers = h('div')
    el.append(h('h1', {}, 'Transactions'), txns, h('h2', {}, 'Active producers by partition'), producers)
    return async () => {
      const r = await api('GET', '/api/transactions')
      txns.replaceChildren(table([
        { label: 'Transactional id', get: (t) => h('span', { class: 'mono' }, t.transactionalId) }, { label: 'State', get: (t) => badge(t.state) },
        { label: 'Producer id', num: true, get: (t) => t.producerId }, { label: 'Epoch', num: true, get: (t) => t.epoch },
        { label: 'Timeout', num: true, get: (t) => `${fmt.n(t.timeoutMs)} ms` }, { label: 'Running for', get: (t) => (t.runningMs === null ? '–' : fmt.ago(t.runningMs)) },
        { label: 'Partitions', get: (t) => t.partitions.map((p) => h('div', { class: 'mono' }, `${p.topic}: ${p.partitions.join(', ')}`)) },
      ], r.transactions, 'No transactional producers yet.'))
      producers.replaceChildren(table([
        { label: 'Topic', get: (p) => p.topic }, { label: 'Partition', num: true, get: (p) => p.partition },
        { label: 'Producer id', num: true, get: (p) => p.producerId }, { label: 'Epoch', num: true, get: (p) => p.epoch },
        { label: 'Last sequence', num: true, get: (p) => p.lastSequence }, { label: 'Last write', get: (p) => h('span', { class: 'mono' }, fmt.time(p.lastTimestamp)) },
        { label: 'Open transaction from', num: true, get: (p) => (p.currentTxnStartOffset < 0 ? '–' : fmt.n(p.currentTxnStartOffset)) },
      ], r.producers, 'No idempotent or transactional producers have written yet.'))
    }
  },
}

function producePanel(topic, partitionCount) {
  const partition = h('select', { name: 'partition' }, h('option', { value: '' }, 'by key'), Array.from({ length: partitionCount }, (_, p) => h('option', { value: p }, p)))
  const key = h('input', { name: 'key', placeholder: 'key (empty: null)' })
  const value = h('textarea', { name: 'value', placeholder: '{"hello": "world"}' })
  const headers = h('div', { class: 'headers-list' })
  const addHeader = () => headers.append(h('div', { class: 'row' }, h('input', { name: 'header-key', placeholder: 'header' }), h('input', { name: 'header-value', placeholder: 'value' })))
  const form = h('form', { id: 'produce', onsubmit: (e) => {
    e.preventDefault()
    const hs = [...headers.querySelectorAll('.row')].map((r) => ({ key: r.children[0].value, value: r.children[1].value })).filter((x) => x.key !== '')
    const body = { key: key.value === '' ? null : key.value, value: value.value, headers: hs }
    if (partition.value !== '') body.partition = Number(partition.value)
    act(() => api('POST', `/api/topics/${enc(topic)}/messages`, body), (r) => `Produced to ${r.topic} partition ${r.partition} at offset ${r.offset}`)
  } }, h('h2', { class: 'first' }, 'Produce a message'), h('div', { class: 'row' }, field('Partition', partition), field('Key', key)), field('Value', value), h('div', { class: 'muted' }, 'Headers'), headers,
  h('div', { class: 'row' }, h('button', { type: 'button', class: 'secondary', onclick: addHeader }, 'Add header'), h('button', { type: 'submit' }, 'Produce')))
  addHeader()
  return h('div', { class: 'panel' }, form)
}

function parseConfigs(text) {
  const out = {}
  for (const line of text.split('\n').map((l) => l.trim()).filter(Boolean)) {
    const at = line.indexOf('=')
    if (at <= 0) throw new Error(`config line "${line}" is not key=value`)
    out[line.slice(0, at).trim()] = line.slice(at + 1).trim()
  }
  return out
}

// ---- routing and polling ----

const routes = [
  [/^#\/topics\/([^/]+)$/, 'topic', 'topics'], [/^#\/messages\/([^/]+)$/, 'messages', 'topics'], [/^#\/topics$/, 'topics', 'topics'],
  [/^#\/groups\/([^/]+)$/, 'group', 'groups'], [/^#\/groups$/, 'groups', 'groups'], [/^#\/transactions$/, 'transactions', 'transactions'],
]
let update = null
let inFlight = false
let again = false // an action's refresh asked while a poll was running: run once more after it
let generation = 0

async function route() {
  const hash = location.hash || '#/overview'
  let m = null
  const [, view, nav] = routes.find(([re]) => (m = re.exec(hash))) || [null, 'overview', 'overview']
  const params = m ? m.slice(1).map(decodeURIComponent) : []
  for (const a of document.querySelectorAll('[data-nav]')) a.classList.toggle('active', a.dataset.nav === nav)
  const mine = ++generation
  update = null
  $view.replaceChildren()
  document.getElementById('updated').textContent = ''
  try {
    const el = h('div')
    const u = await views[view](el, params)
    if (mine !== generation) return
    $view.replaceChildren(el)
    update = u
    await refresh()
  } catch (err) {
    if (mine === generation) $view.replaceChildren(h('div', { class: 'panel' }, h('h1', {}, 'Cannot show this page'), h('p', {}, err.message), h('a', { href: '#/overview' }, 'Back to the overview')))
  }
}

async function refresh(poll = false) {
  if (!update) return
  if (inFlight) return void (again = again || !poll)
  inFlight = true
  const mine = generation
  try {
    await update(poll)
    if (mine === generation) document.getElementById('updated').textContent = `updated ${new Date().toLocaleTimeString()}`
  } catch (err) {
    if (mine === generation) document.getElementById('updated').textContent = `update failed: ${err.message}`
  } finally {
    inFlight = false
  }
  if (again) {
    again = false
    await refresh()
  }
}

window.addEventListener('hashchange', route)
setInterval(() => {
  if (document.getElementById('live').checked && !document.hidden) refresh(true)
}, POLL_MS)
route()
