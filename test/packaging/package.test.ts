// The package as another project gets it: `npm pack` of this checkout, installed with
// `npm install <tgz>` into an empty project on a machine without a compiler (CC and CXX are
// /bin/false, so any node-gyp build fails the install), then the README's embedded example, a
// produce through kafkajs against it, the typings under tsc, and the `rivulet` bin.
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
let tmp = ''
let project = ''
let installOutput = ''

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): SpawnSyncReturns<string> {
  const r = spawnSync(cmd, args, { cwd, env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 32 * 1024 * 1024 })
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}:\n${r.stdout}\n${r.stderr}`)
  return r
}

beforeAll(() => {
  for (const f of ['dist/bundle/cli.mjs', 'dist/bundle/index.mjs', 'dist/src/index.d.ts']) {
    if (!fs.existsSync(path.join(root, f))) throw new Error(`${f} is missing: run npm run build first (npm test does)`)
  }
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rivulet-pack-'))
  // dist/ is already built (pretest); --ignore-scripts keeps pack from building it again.
  const packed = JSON.parse(run(npm, ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], root).stdout) as { filename: string }[]
  const tgz = path.join(tmp, packed[0]!.filename)
  project = path.join(tmp, 'consumer')
  fs.mkdirSync(project)
  fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }))
  const noCompiler = { CC: '/bin/false', CXX: '/bin/false', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' }
  const r = run(npm, ['install', '--prefer-offline', tgz], project, noCompiler)
  installOutput = r.stdout + r.stderr
}, 240_000)

afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true })
})

describe('the packed package, installed into an empty project', () => {
  it('installs without compiling anything and without peer warnings', () => {
    expect(installOutput).not.toMatch(/gyp|ERESOLVE/)
    const lock = JSON.parse(fs.readFileSync(path.join(project, 'node_modules/.package-lock.json'), 'utf8')) as {
      packages: Record<string, { hasInstallScript?: boolean }>
    }
    const withScripts = Object.entries(lock.packages).filter(([, p]) => p.hasInstallScript).map(([name]) => name)
    expect(withScripts).toEqual([])
    const files = fs.readdirSync(path.join(project, 'node_modules/rivulet/dist'))
    expect(files.sort()).toEqual(['bundle', 'protocol', 'src'])
  })

  it('loads the native zstd binding it installed', () => {
    const r = run(process.execPath, ['-e', "const z = require('@toondepauw/node-zstd'); const d = Buffer.from('x'.repeat(999)); process.stdout.write(String(new z.Decoder().decodeSync(new z.Encoder(3).encodeSync(d)).equals(d)))"], project)
    expect(r.stdout).toBe('true')
  })

  it("runs the README's embedded example as written", () => {
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8')
    const example = /## Embedded[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)![1]!
    expect(example).toMatch(/from 'rivulet'/)
    fs.writeFileSync(path.join(project, 'example.mjs'), `${example}\nconsole.log('example ran', typeof broker.bootstrap)\n`)
    expect(run(process.execPath, ['example.mjs'], project).stdout).toContain('example ran string')
  })

  it('serves a real client from the installed package', () => {
    // kafkajs comes from this checkout: the consumer project depends on rivulet alone.
    const kafkajs = path.join(root, 'node_modules/kafkajs/index.js')
    const script = `
      import { startBroker } from 'rivulet'
      import { createRequire } from 'node:module'
      const { Kafka, logLevel } = createRequire(import.meta.url)(${JSON.stringify(kafkajs)})
      const broker = await startBroker({ port: 0, memory: true })
      const kafka = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING })
      const admin = kafka.admin(); await admin.connect()
      await admin.createTopics({ topics: [{ topic: 'packaged', numPartitions: 1 }] })
      const producer = kafka.producer(); await producer.connect()
      await producer.send({ topic: 'packaged', messages: [{ value: 'a' }, { value: 'b' }] })
      const [p] = await admin.fetchTopicOffsets('packaged')
      console.log('high', p.high)
      await producer.disconnect(); await admin.disconnect(); await broker.stop()`
    fs.writeFileSync(path.join(project, 'client.mjs'), script)
    expect(run(process.execPath, ['client.mjs'], project).stdout.trim()).toBe('high 2')
  }, 30_000)

  it('serves the web console from the installed package', () => {
    const script = `
      import { startBroker } from 'rivulet'
      const broker = await startBroker({ port: 0, memory: true, adminPort: 0 })
      const page = await fetch(broker.adminUrl + '/')
      const js = await fetch(broker.adminUrl + '/console.js')
      const topics = await (await fetch(broker.adminUrl + '/api/topics')).json()
      console.log(page.status, (await page.text()).includes('console.js'), js.status, Array.isArray(topics.topics))
      await broker.stop()`
    fs.writeFileSync(path.join(project, 'console.mjs'), script)
    expect(run(process.execPath, ['console.mjs'], project).stdout.trim()).toBe('200 true 200 true')
  }, 30_000)

  it('gives TypeScript consumers its typings', () => {
    fs.writeFileSync(
      path.join(project, 'consumer.ts'),
      `import { startBroker, type RunningBroker, type StartOptions } from 'rivulet'
      const options: StartOptions = { port: 0, memory: true }
      const broker: RunningBroker = await startBroker(options)
      const bootstrap: string = broker.bootstrap
      // @ts-expect-error port is a number: this line proves the types are real, not any
      await startBroker({ port: '9092' })
      export { bootstrap }
      `,
    )
    const tsconfig = {
      compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', strict: true, noEmit: true,
        typeRoots: [path.join(root, 'node_modules/@types')], types: ['node'] },
      files: ['consumer.ts'],
    }
    fs.writeFileSync(path.join(project, 'tsconfig.json'), JSON.stringify(tsconfig))
    const r = spawnSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', project], { encoding: 'utf8' })
    expect(r.stdout + r.stderr).toBe('')
    expect(r.status).toBe(0)
  }, 60_000)

  it('runs the rivulet bin until SIGTERM', async () => {
    const bin = path.join(project, 'node_modules/.bin/rivulet')
    const proc = spawn(bin, ['--port', '0', '--memory', '--log-level', 'warn'], { cwd: project, stdio: ['ignore', 'pipe', 'pipe'] })
    const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)))
    let out = ''
    await new Promise<void>((resolve, reject) => {
      proc.stdout.on('data', (c: Buffer) => {
        out += c.toString()
        if (/Bootstrap: \S+:\d+/.test(out)) resolve()
      })
      proc.stderr.on('data', (c: Buffer) => (out += c.toString()))
      void exited.then((code) => reject(new Error(`bin exited (${code}) before it was ready:\n${out}`)))
    })
    proc.kill('SIGTERM')
    expect(await exited).toBe(0)
  }, 30_000)
})
