/**
 * Entry of a sandbox worker thread. It draws its line first: SES's lockdown()
 * freezes the shared intrinsics before any other module of ours is loaded, then the message loop
 * is imported. Stacks stay readable (errorTaming 'unsafe'); the worker handles its own uncaught
 * errors instead of SES exiting the thread.
 */
import 'ses';

lockdown({
  errorTaming: 'unsafe',
  errorTrapping: 'none',
  unhandledRejectionTrapping: 'none',
  stackFiltering: 'concise',
  overrideTaming: 'moderate',
});

await import('./serve.js');
