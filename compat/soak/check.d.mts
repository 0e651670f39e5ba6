// Types of check.mjs, for the TypeScript unit test (test/compat/soak-check.test.ts).
export interface SoakEvent {
  e: string
  t: number
  p?: number
  o?: number
  parts?: number[]
  offsets?: [number, number][]
  failed?: [number, number, string][]
  err?: string
  why?: string
}
export interface SoakStats {
  members: number
  messages: number
  received: number
  duplicates: number
  commits: number
  commitErrors: Record<string, number>
  rebalances: number
  jumps: number
  commitsPastDelivered: number
  lost: number
  lostByPartition: Record<string, string[]>
}
export function parseLog(text: string): SoakEvent[]
export function checkSoak(
  members: { name: string; events: SoakEvent[] }[],
  endOffsets: Record<number, number>,
  finalCommitted?: Record<number, number> | null,
): { ok: boolean; problems: string[]; stats: SoakStats }
