/**
 * Lessons: a graph file may carry a `lesson` (title, Markdown instructions, hints, locks, a
 * palette and checks), which turns a template into a graded exercise. This folder is pure
 * TypeScript (no Node, no TensorFlow.js) so the Lesson panel, both hosts and `netcanvas grade`
 * read lessons, enforce their locks and mark their checks with the same code: the schema
 * (./schema, ./kinds), usability of a lesson with its graph (./validate), structural checks
 * marked from the checker's report (./checks), trained checks marked from a run's summary
 * (./trained) made with the lesson's settings (./run), the lock rules (./locks), marking and
 * grading (./grade) and the CSV gradebook (./gradebook).
 */
export * from './checks';
export * from './grade';
export * from './gradebook';
export * from './kinds';
export * from './locks';
export * from './run';
export * from './schema';
export * from './trained';
export * from './validate';
export * from './words';
