import { SERVICES, type ServiceName, type ServicePayload } from "../collect/contracts";

/** The snapshots of one learner from one run: each service's validated payload, when it answered. */
export type LearnerSnapshots = Partial<{ [S in ServiceName]: ServicePayload<S> }>;

/**
 * Everything the upstream services said about one learner, gathered from their payloads into
 * plain lists (the inputs of the pure analytics). A service that did not answer contributes
 * empty lists, and `sources` says so.
 */
export function gatherEvidence(userId: string, snapshots: LearnerSnapshots) {
  const { courseBuilder, assessment, skillsEngine, contentStudio, devLab, ragAssistant, auth, learnerAI } = snapshots;
  const mine = <T extends { learnerId: string }>(rows: readonly T[] | undefined) => (rows ?? []).filter((row) => row.learnerId === userId);
  return {
    userId,
    sources: Object.fromEntries(SERVICES.map((service) => [service, snapshots[service] ? "ok" : "missing"])) as Record<
      ServiceName,
      "ok" | "missing"
    >,
    courses: courseBuilder?.data.courses ?? [],
    enrolments: mine(courseBuilder?.data.enrolments),
    assessments: assessment?.data.assessments ?? [],
    attempts: mine(assessment?.data.attempts).sort((a, b) => Date.parse(a.submittedAt) - Date.parse(b.submittedAt)),
    skills: skillsEngine?.data.skills ?? [],
    courseSkills: skillsEngine?.data.courses ?? [],
    targets: skillsEngine?.data.learners.find((learner) => learner.learnerId === userId)?.targets ?? [],
    contentEvents: mine(contentStudio?.data.events),
    labSubmissions: mine(devLab?.data.submissions),
    assistantSessions: mine(ragAssistant?.data.sessions),
    signIns: auth?.data.users.find((user) => user.userId === userId)?.days ?? [],
    insight: learnerAI?.data.learners.find((learner) => learner.learnerId === userId),
  };
}

export type LearnerEvidence = ReturnType<typeof gatherEvidence>;
