/*===- RuntimeSupport.h - runtime services for compiled code -----*- C -*-===*\
|*                                                                          *|
|* Functions of tfm_runtime that compiled code may call while it runs. They *|
|* are not part of the module table ABI of Runtime.h.                       *|
|*                                                                          *|
\*===----------------------------------------------------------------------===*/

#ifndef TFM_RUNTIMESUPPORT_H
#define TFM_RUNTIMESUPPORT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The number of threads compiled code may use: the value of --threads, or
 * the number of online CPUs when it was not given. Always >= 1. */
int32_t tfm_runtime_num_threads(void);

/* Called by compiled code when a run-time check fails (inputs whose dynamic
 * sizes disagree, see the tfm-check-shapes pass): prints
 * "error: PROGRAM: MESSAGE" on stderr and exits with status 2. tfmc routes
 * the checks of executables here; a static library (--emit=lib) keeps
 * MLIR's default (the message on stdout, then abort). */
#if defined(__GNUC__)
__attribute__((noreturn))
#endif
void tfm_runtime_check_failed(const char *message);

/* The allocator of compiled code in executables (tfmc renames malloc,
 * aligned_alloc and free to these): large blocks are kept when freed and
 * reused by later calls, so workspaces are taken from the system once per
 * run. Result buffers handed to the runtime are freed with
 * tfm_workspace_free. */
void *tfm_workspace_alloc(size_t size);
void *tfm_workspace_aligned_alloc(size_t alignment, size_t size);
void tfm_workspace_free(void *ptr);

#ifdef __cplusplus
}
#endif

#endif /* TFM_RUNTIMESUPPORT_H */
