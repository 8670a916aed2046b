// Benchmark P1's floor for any Swift program: Foundation imported, the Swift runtime and
// Foundation linked statically (as tfscript's release build), one line printed.
import Foundation

print("hello", ProcessInfo.processInfo.arguments.count)
