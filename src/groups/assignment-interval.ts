// The assignment interval of KIP-848, KIP-932 and KIP-1071 groups (Kafka 4.4's
// group.{consumer,share,streams}.assignment.interval.ms, default 1000, overridden per group by
// {consumer,share,streams}.assignment.interval.ms within the broker's min/max bounds): once a
// target assignment was computed, the next one waits until the interval has passed, so members
// that join, leave or resubscribe in a burst cost one assignor run. Nothing is scheduled: the
// group epoch moves on at once and the first heartbeat after the interval computes the target
// (GroupMetadataManager.maybeUpdateTargetAssignment); until then members reconcile towards the
// last target. A timestamp of 0 (a new group, or one its last member left) never waits, nor does
// an interval of 0.
export function canComputeNextTargetAssignment(assignmentTimestampMs: number, assignmentIntervalMs: number, nowMs: number): boolean {
  if (assignmentTimestampMs === 0) return true
  return assignmentIntervalMs === 0 || nowMs >= assignmentTimestampMs + assignmentIntervalMs
}
