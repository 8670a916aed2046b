import Foundation
import TFScriptJSON
import Testing
import TestSupport
@testable import tfscript

/// Files tfscript creates (plans, journals) in a folder an attacker could plant names in:
/// nothing is written or chmod-ed through a symlink, and no guessable temporary name is used.
@Suite
struct FileCreationTests {
    static let patch = #"tf.endpoints.patch("ep-demo-01", {enabled = false})"#

    /// A fresh folder, mode 0777 as a shared /tmp-like folder would be.
    static func folder() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tf-files-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// A file holding `text`, mode 0644: what a planted symlink points at.
    static func victim(_ folder: String, _ text: String = "victim\n") throws -> String {
        let path = folder + "/victim-\(UUID().uuidString)"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        chmod(path, 0o644)
        return path
    }

    /// The pids the next processes will likely get (Linux hands them out in order).
    static func likelyNextPIDs(_ count: Int) -> ClosedRange<Int> {
        let last = (try? String(contentsOfFile: "/proc/sys/kernel/ns_last_pid", encoding: .utf8))
            .flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) } ?? Int(getpid())
        return (last + 1)...(last + count)
    }

    @Test("--plan-out writes no file through symlinks planted at the guessable temporary names, and leaves no temporary behind")
    func planOutIgnoresPlantedTemporaries() async throws {
        let api = try await SimulatedAPI.start()
        defer { Task { await api.stop() } }
        let folder = try Self.folder()
        let victim = try Self.victim(folder)
        let plan = folder + "/plan.json"
        var planted: Set<String> = []
        for pid in Self.likelyNextPIDs(3000) {
            for name in ["plan.json.tmp-\(pid)", "plan.json.\(pid)", ".plan.json.tmp-\(pid)", "plan.json.tmp.\(pid)"] {
                symlink(victim, folder + "/" + name)
                planted.insert(name)
            }
        }
        let result = try await api.run(Self.patch, flags: ["--dry-run", "--plan-out", plan])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "victim\n")
        #expect(FaultRig.mode(victim) == 0o644)
        let saved = try JSONValue(parsing: String(contentsOfFile: plan, encoding: .utf8))
        #expect(saved["operations"]?.arrayValue?.count == 1)
        #expect(FaultRig.mode(plan) == 0o600)
        let left = Set(try FileManager.default.contentsOfDirectory(atPath: folder)).subtracting(planted)
        #expect(left == ["plan.json", URL(fileURLWithPath: victim).lastPathComponent])
    }

    @Test("--plan-out at a symlink is refused; the link's target is not written or chmod-ed")
    func planOutAtSymlinkRefused() async throws {
        let api = try await SimulatedAPI.start()
        defer { Task { await api.stop() } }
        let folder = try Self.folder()
        let victim = try Self.victim(folder)
        let plan = folder + "/plan.json"
        symlink(victim, plan)
        let result = try await api.run(Self.patch, flags: ["--dry-run", "--plan-out", plan])
        #expect(result.status == 1)
        #expect(result.stderr.contains("cannot write the plan to \(plan): it is a symbolic link"), "\(result.stderr)")
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "victim\n")
        #expect(FaultRig.mode(victim) == 0o644)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: plan) == victim)
    }

    @Test("--journal at a symlink (to a file or nowhere) is refused before anything is sent; the target is untouched")
    func journalAtSymlinkRefused() async throws {
        let api = try await SimulatedAPI.start()
        defer { Task { await api.stop() } }
        let folder = try Self.folder()
        let victim = try Self.victim(folder)
        symlink(victim, folder + "/journal.jsonl")
        symlink(folder + "/created-through-link", folder + "/dangling.jsonl")
        for name in ["journal.jsonl", "dangling.jsonl"] {
            let result = try await api.run(Self.patch, flags: ["--journal", folder + "/" + name])
            #expect(result.status == 2, "\(result.stderr)")
            #expect(result.stderr.contains("journal \(folder)/\(name) is a symbolic link"), "\(result.stderr)")
        }
        #expect(await api.mutatingRequests().isEmpty)
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "victim\n")
        #expect(FaultRig.mode(victim) == 0o644)
        #expect(!FileManager.default.fileExists(atPath: folder + "/created-through-link"))
    }

    @Test("apply --journal at a symlink is refused, neither read for resuming nor appended to")
    func applyJournalAtSymlinkRefused() async throws {
        let folder = try Self.folder()
        let victim = try Self.victim(folder)
        symlink(victim, folder + "/journal.jsonl")
        let plan = folder + "/plan.json"
        try Data(#"{"format_version":1,"base_url":"http://127.0.0.1:9","operations":[{"index":1,"kind":"delete","target":"ep-1","before":{"endpoint_id":"ep-1","name":"x"}}]}"#.utf8)
            .write(to: URL(fileURLWithPath: plan))
        let result = try await TFScriptProcess.run(
            ["apply", "--yes", "--journal", folder + "/journal.jsonl", "--base-url", "http://127.0.0.1:9", plan], environment: FaultRig.environment())
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("is a symbolic link"), "\(result.stderr)")
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "victim\n")
        #expect(FaultRig.mode(victim) == 0o644)
    }

    @Test("--journal at a FIFO or a device is refused at once, not blocked on")
    func journalNotRegularRefused() async throws {
        let api = try await SimulatedAPI.start()
        defer { Task { await api.stop() } }
        let folder = try Self.folder()
        let fifo = folder + "/journal.fifo"
        #expect(mkfifo(fifo, 0o600) == 0)
        for path in [fifo, "/dev/null"] {
            let result = try await api.run(Self.patch, flags: ["--journal", path])
            #expect(result.status == 2, "\(result.stderr)")
            #expect(result.stderr.contains("is not a regular file"), "\(result.stderr)")
        }
        #expect(await api.mutatingRequests().isEmpty)
    }

    @Test("REPL history is not saved through a symlink or into anything but a regular file")
    func historyRefusesSymlink() throws {
        let folder = try Self.folder()
        let victim = try Self.victim(folder)
        try FileManager.default.createDirectory(atPath: folder + "/state/tfscript", withIntermediateDirectories: true)
        symlink(victim, folder + "/state/tfscript/history")
        #expect(!HistoryFile.prepareFolder(for: folder + "/state/tfscript/history"))
        try FileManager.default.removeItem(atPath: folder + "/state/tfscript/history")
        #expect(mkfifo(folder + "/state/tfscript/history", 0o600) == 0)
        #expect(!HistoryFile.prepareFolder(for: folder + "/state/tfscript/history"))
        try FileManager.default.removeItem(atPath: folder + "/state/tfscript/history")
        #expect(HistoryFile.prepareFolder(for: folder + "/state/tfscript/history"))
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "victim\n")
    }
}
