/**
 * Source analysis shared by the sandbox host and its workers: syntax checking (acorn plus SES's
 * source rejections) and the wrapping of task and common code into compartment programs.
 */
export { findSyntaxProblems, parseSource } from './syntax.js';
export { compileSource, isPublicName, SourceSyntaxError, type CompiledSource } from './programs.js';
