import Foundation
import Testing

extension LiveTests {
    /// A jackd killed outright keeps its slot in jackd2's 8-slot server registry; eight such deaths
    /// and no server starts on the machine. The live tests free dead slots before each start
    /// (Tests/jackclient/jack-reclaim.c): the killed server's slot is freed, by name, and a new
    /// server starts after it.
    @Test func deadServersSlotIsReclaimed() throws {
        let dir = try Live.scratch("jack-reclaim")
        let victim = try DummyJACK(period: 128, in: dir)
        victim.child.signal(SIGKILL)
        victim.child.wait(timeout: 5)
        let tool = dir.appendingPathComponent("jack-reclaim")
        try Live.compileC("Tests/jackclient/jack-reclaim.c", output: tool, flags: [])
        let first = try Live.run(tool.path, [], timeout: 10, in: dir)
        #expect(first.status == 0, "jack-reclaim: \(first.stderr)")
        let slotName = "jack-\(getuid()):\(victim.name):"
        #expect(first.stdout.contains("dead server \(slotName) "), "output: \(first.stdout)")
        let second = try Live.run(tool.path, [], timeout: 10, in: dir)
        #expect(!second.stdout.contains(slotName), "freed twice: \(second.stdout)")

        let next = try DummyJACK(period: 128, in: dir)
        next.stop()
        // The killed server's semaphores and segments stay in /dev/shm too: tidy them away.
        let shm = (try? FileManager.default.contentsOfDirectory(atPath: "/dev/shm")) ?? []
        for file in shm where file.contains("_\(victim.name)_") {
            try? FileManager.default.removeItem(atPath: "/dev/shm/" + file)
        }
    }
}
