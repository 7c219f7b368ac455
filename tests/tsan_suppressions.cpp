// ThreadSanitizer's built-in suppressions for the test binaries of the tsan
// preset (linked only there). Debian's gRPC, upb and abseil are not built with
// TSan: their threads synchronise through futexes and atomics TSan does not
// see, so it reports their own memory (absl::Status payloads, cords, the
// Mutex deadlock graph, upb arenas, the pollers' epoll descriptors) as racing
// between gRPC's threads. `called_from_lib` ignores only what those libraries
// call directly (memcpy, new/delete, epoll_wait, ...), so a race in our code,
// including our callbacks that gRPC's threads run, is still reported. Each
// pattern must name exactly one loaded library, or TSan refuses to start.
extern "C" const char* __tsan_default_suppressions() {
  return "called_from_lib:libgrpc.so\n"
         "called_from_lib:libgrpc++.so\n"
         "called_from_lib:libgpr.so\n"
         "called_from_lib:libupb.so\n"
         "called_from_lib:libabsl_cord.so\n"
         "called_from_lib:libabsl_cord_internal.so\n"
         "called_from_lib:libabsl_graphcycles_internal.so\n"
         "called_from_lib:libabsl_random_internal_pool_urbg.so\n"
         "called_from_lib:libabsl_status.so\n"
         "called_from_lib:libabsl_strings.so\n"
         "called_from_lib:libabsl_synchronization.so\n"
         "called_from_lib:libabsl_time.so\n"
         "called_from_lib:libabsl_time_zone.so\n";
}
