import ArgumentParser

struct ProfileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "profile", abstract: "(not built yet)")
    func run() throws { throw ExitCode(2) }
}
