// The one function of jstat (no published types) that src/workflow/intervals.ts uses.
declare module 'jstat' {
  const jstat: { jStat: { studentt: { inv(p: number, dof: number): number } } };
  export default jstat;
}
