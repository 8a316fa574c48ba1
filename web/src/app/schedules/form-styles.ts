/** The classes of the schedule and alert dialogs' fields, in one place. */
export const FIELD =
  'rounded-md border border-slate-300 px-2.5 py-1 text-sm font-normal text-slate-800 focus:border-blue-500 focus:ring-2 focus:ring-blue-200 focus:outline-none aria-invalid:border-red-400';
export const LABEL = 'flex flex-col gap-1 text-xs font-medium text-slate-600';
export const SMALL =
  'rounded-full border border-slate-300 px-2 py-0.5 text-xs hover:border-blue-400 hover:text-blue-700';
