// Rack-aware standby placement of the `sticky` streams assignor (group config
// streams.rack.aware.assignment.tags, broker default group.streams.rack.aware.assignment.tags), as
// Kafka's RackAwareStandbyPicker places standbys: the tag keys are in priority order; a standby
// goes to an eligible member whose value for the current priority key no holder of the task has
// yet, preferring among those the members that also bring new values for the lower-priority keys
// (compared key by key, in order). When no eligible member brings a new value for the priority key,
// that key is given up for the rest of the task and the next one is tried; once every key is given
// up, the assignor's tag-blind rules place the remaining standbys. The assignor then chooses among
// the members returned with its own rules (previous standby holder, least loaded).

export type Tags = Readonly<Record<string, string>>

export class StandbyTagPicker<M extends object> {
  private readonly used: Set<string>[]
  private priority = 0
  private pool: M[]

  constructor(
    private readonly keys: readonly string[],
    private readonly members: readonly M[],
    private readonly tagsOf: (m: M) => Tags,
  ) {
    this.used = keys.map(() => new Set<string>())
    this.pool = [...members]
  }

  get enabled(): boolean {
    return this.keys.length > 0
  }

  // Starts placing the standbys of one task.
  startTask(): void {
    for (const s of this.used) s.clear()
    this.priority = 0
    this.pool = [...this.members]
  }

  // A holder of the task (its active owner, then each standby taken): its values are used.
  markUsed(holder: M): void {
    const tags = this.tagsOf(holder)
    this.keys.forEach((k, i) => {
      const v = tags[k]
      if (v !== undefined) this.used[i]!.add(v)
    })
  }

  // The members that would make the task most diverse, or [] once no member can.
  candidates(eligible: (m: M) => boolean): M[] {
    while (this.priority < this.keys.length) {
      const key = this.keys[this.priority]!
      const survivors = this.pool.filter((m) => {
        const v = this.tagsOf(m)[key]
        return v !== undefined && !this.used[this.priority]!.has(v) && eligible(m)
      })
      if (survivors.length === 0) {
        this.priority++
        this.pool = [...this.members]
        continue
      }
      // The filtered pool stays the pool while this key is the priority: used values only grow.
      this.pool = survivors
      return this.mostDiverse(survivors)
    }
    return []
  }

  private mostDiverse(survivors: M[]): M[] {
    let best = [survivors[0]!]
    for (const m of survivors.slice(1)) {
      const c = this.compare(best[0]!, m)
      if (c > 0) best = [m]
      else if (c === 0) best.push(m)
    }
    return best
  }

  // > 0 when b brings new values for a higher lower-priority key than a does.
  private compare(a: M, b: M): number {
    for (let i = this.priority + 1; i < this.keys.length; i++) {
      const na = this.bringsNew(a, i)
      const nb = this.bringsNew(b, i)
      if (na !== nb) return nb ? 1 : -1
    }
    return 0
  }

  private bringsNew(m: M, i: number): boolean {
    const v = this.tagsOf(m)[this.keys[i]!]
    return v !== undefined && !this.used[i]!.has(v)
  }
}

// The group config's list value ("zone,cluster") as tag keys, in priority order.
export function parseTagKeys(value: string): string[] {
  return value.split(',').map((s) => s.trim()).filter((s) => s.length > 0)
}
