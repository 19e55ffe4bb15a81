import { z } from "zod";
import { count, id, label, servicePayload, timestamp } from "./envelope";

export const CONTENT_KINDS = ["video", "article", "interactive", "slides", "podcast"] as const;

export const contentSchema = z.object({
  id,
  courseId: id,
  /** The courseBuilder learning unit the content belongs to; null for course-wide material. */
  unitId: id.nullable(),
  kind: z.enum(CONTENT_KINDS),
  title: label,
  /** Running time of timed media (video, podcast); null for content read or clicked through. */
  durationSeconds: count.nullable(),
});

/** One viewing: a learner opened a content item and spent `seconds` on it. */
export const consumptionEventSchema = z.object({
  learnerId: id,
  contentId: id,
  courseId: id,
  kind: z.enum(CONTENT_KINDS),
  startedAt: timestamp,
  /** Time actually spent (paused time excluded). */
  seconds: count,
  /** The learner reached the end (watched through, scrolled to the end, finished the interaction). */
  completed: z.boolean(),
});

/**
 * contentStudio — content items of the courses in scope and the consumption events inside the
 * window, oldest first. User and organisation scopes include trainers' previews of their own
 * courses (check the viewer's role in directory); a course scope has its enrolled learners' events only.
 */
export const contentStudioPayload = servicePayload(
  "contentStudio",
  z.object({ contents: z.array(contentSchema), events: z.array(consumptionEventSchema) }),
);

export type ContentStudioPayload = z.infer<typeof contentStudioPayload>;
export type ConsumptionEvent = z.infer<typeof consumptionEventSchema>;
