// The Chrome trace-event format (JSON object form), as pinbench writes and reads it: Perfetto (ui.perfetto.dev),
// chrome://tracing and speedscope open it. Only the phases pinbench uses are typed. Times are microseconds, as the
// format requires; pinbench's traces hold virtual time: ts = virtual ns / 1000 (their metadata says so).
export {};
