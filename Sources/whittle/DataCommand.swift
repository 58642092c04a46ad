import ArgumentParser

struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "data", abstract: "(not built yet)")
    func run() throws { throw ExitCode(2) }
}
