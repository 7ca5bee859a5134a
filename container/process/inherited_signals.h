#pragma once
/// The signal state this process inherited, handed on unchanged to the programs it starts.
///
/// Two things are at stake. A signal its parent ignored (nohup's SIGHUP, the SIGINT and SIGQUIT
/// of a background job) must stay ignored in the program, whatever handler this process put
/// over it meanwhile: a handler is reset to the default by exec, an ignore is not, so the
/// ignore has to be put back before the exec. And the program starts with the signal mask this
/// process started with, not the one it blocks while it works.

#include <signal.h>

#include <cstdint>

namespace preflight::container::process {

/// Blocks `signals` and remembers the mask the process started with (only the first call
/// does). Meant as the very first thing the process does (cmd/main.cpp): a signal sent before
/// a handler or a signalfd is in place stays pending instead of being lost (PID 1 drops a
/// signal it has no handler for, and exec resets handlers).
void HoldSignalsAtStart(const sigset_t& signals);

/// The mask the process started with: what HoldSignalsAtStart found, or SetInheritedMask's.
const sigset_t& InheritedMask();

/// For an image exec'd by this very program with its signals held across the exec (the lean
/// supervisor): the mask its first image started with, passed along by that image.
void SetInheritedMask(const sigset_t& mask);

/// sigaction(sig, &act, nullptr), remembering the first time for each signal whether the
/// disposition it replaced was SIG_IGN. Returns true when it was (the caller may put the
/// ignore back: an inherited ignore is the parent's wish).
bool ReplaceSignalAction(int sig, const struct sigaction& act);

/// Whether `sig` was ignored when ReplaceSignalAction first replaced it.
bool InheritedIgnored(int sig);

/// Between fork and exec (async-signal-safe): every disposition ReplaceSignalAction replaced
/// back to what was inherited (SIG_IGN, else SIG_DFL), so that no handler of ours runs in the
/// child, then the inherited mask.
void RestoreInheritedSignals();

/// Just before this process replaces its own image (exec): SIG_IGN back where it was
/// inherited. Handlers are left for the exec to reset, so that a signal arriving until then
/// still finds ours; the mask is not touched.
void RestoreInheritedIgnores();

/// A mask as 64 bits, bit N-1 for signal N (signals 1..64), and back: how an image passes
/// its inherited mask to the next across exec.
uint64_t MaskBits(const sigset_t& mask);
sigset_t MaskFromBits(uint64_t bits);

}  // namespace preflight::container::process
