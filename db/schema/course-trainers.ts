import { index, pgTable, primaryKey, uuid } from "drizzle-orm/pg-core";
import { courses } from "./courses";
import { users } from "./users";

/** Who teaches a course: a trainer sees the learners of these courses only. */
export const courseTrainers = pgTable(
  "course_trainers",
  {
    courseId: uuid("course_id")
      .notNull()
      .references(() => courses.id, { onDelete: "cascade" }),
    trainerId: uuid("trainer_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
  },
  (table) => [primaryKey({ columns: [table.courseId, table.trainerId] }), index("course_trainers_trainer_idx").on(table.trainerId)],
);
