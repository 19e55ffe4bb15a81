import type { LearnerSnapshots } from "./evidence";

/**
 * What layer 2 keeps of one learner's payloads: the learner's own rows and the catalogue entries
 * those rows refer to, i.e. what `gatherEvidence` reads, in the services' own shapes (each still
 * meets its contract). The catalogue a service repeats for every learner (courses with their
 * units, assessments, skills, content items, exercises) is cut to the learner's courses and
 * to the skills, content and exercises of their own records.
 *
 * Assessments are kept for every course the learner is enrolled in (courseBuilder), attempted or
 * not: the at-risk model counts an assessment not yet submitted. Without courseBuilder there are no
 * enrolments, and assessments are read only through enrolments.
 */
export function keepForAnalysis(userId: string, snapshots: LearnerSnapshots): LearnerSnapshots {
  const { directory, courseBuilder, assessment, skillsEngine, learnerAI, contentStudio, devLab, ragAssistant, auth } = snapshots;
  const mine = <T extends { learnerId: string }>(rows: readonly T[]) => rows.filter((row) => row.learnerId === userId);

  const enrolments = mine(courseBuilder?.data.enrolments ?? []);
  const enrolled = new Set(enrolments.map((e) => e.courseId));
  const attempts = mine(assessment?.data.attempts ?? []);
  const targets = skillsEngine?.data.learners.filter((learner) => learner.learnerId === userId) ?? [];
  const skillsUsed = new Set([
    ...attempts.flatMap((a) => a.items.map((item) => item.skillId)),
    ...targets.flatMap((learner) => learner.targets.map((t) => t.skillId)),
  ]);
  const person = directory?.data.people.filter((p) => p.id === userId) ?? [];
  const events = mine(contentStudio?.data.events ?? []);
  const submissions = mine(devLab?.data.submissions ?? []);

  const kept: LearnerSnapshots = {};
  if (directory) {
    const departments = new Set(person.map((p) => p.departmentId));
    kept.directory = {
      ...directory,
      data: { ...directory.data, people: person, departments: directory.data.departments.filter((d) => departments.has(d.id)) },
    };
  }
  if (courseBuilder) {
    kept.courseBuilder = { ...courseBuilder, data: { courses: courseBuilder.data.courses.filter((c) => enrolled.has(c.id)), enrolments } };
  }
  if (assessment) {
    kept.assessment = {
      ...assessment,
      data: { assessments: assessment.data.assessments.filter((a) => enrolled.has(a.courseId)), attempts },
    };
  }
  if (skillsEngine) {
    kept.skillsEngine = {
      ...skillsEngine,
      data: {
        skills: skillsEngine.data.skills.filter((s) => skillsUsed.has(s.id)),
        courses: skillsEngine.data.courses.filter((c) => enrolled.has(c.courseId)),
        learners: targets,
      },
    };
  }
  if (learnerAI) kept.learnerAI = { ...learnerAI, data: { ...learnerAI.data, learners: mine(learnerAI.data.learners) } };
  if (contentStudio) {
    const contents = new Set(events.map((e) => e.contentId));
    kept.contentStudio = { ...contentStudio, data: { contents: contentStudio.data.contents.filter((c) => contents.has(c.id)), events } };
  }
  if (devLab) {
    const exercises = new Set(submissions.map((s) => s.exerciseId));
    kept.devLab = { ...devLab, data: { exercises: devLab.data.exercises.filter((e) => exercises.has(e.id)), submissions } };
  }
  if (ragAssistant) kept.ragAssistant = { ...ragAssistant, data: { sessions: mine(ragAssistant.data.sessions) } };
  if (auth) kept.auth = { ...auth, data: { users: auth.data.users.filter((u) => u.userId === userId) } };
  return kept;
}
