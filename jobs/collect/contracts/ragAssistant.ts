import { z } from "zod";
import { count, id, servicePayload, timestamp } from "./envelope";

/** One conversation with the learning assistant. */
export const assistantSessionSchema = z
  .object({
    id,
    learnerId: id,
    /** The course the learner was in when asking; null for questions asked outside a course. */
    courseId: id.nullable(),
    startedAt: timestamp,
    durationSeconds: count,
    questions: count,
    /** Answers the learner marked as helpful. */
    helpfulVotes: count,
    /** Answers the learner marked as not helpful; answers without a vote count in neither. */
    unhelpfulVotes: count,
    /** Skills the questions were classified under (skillsEngine ids). */
    skillIds: z.array(id),
    /** Short free-text topics the assistant extracted, e.g. "generics". */
    topics: z.array(z.string().min(1).max(100)),
  })
  .refine((s) => s.helpfulVotes + s.unhelpfulVotes <= s.questions, {
    message: "more votes than questions",
    path: ["helpfulVotes"],
  });

/**
 * ragAssistant — assistant sessions inside the window, oldest first. User and organisation scopes
 * include staff's sessions; a course scope has its enrolled learners' sessions in that course only.
 */
export const ragAssistantPayload = servicePayload("ragAssistant", z.object({ sessions: z.array(assistantSessionSchema) }));

export type RagAssistantPayload = z.infer<typeof ragAssistantPayload>;
export type AssistantSession = z.infer<typeof assistantSessionSchema>;
