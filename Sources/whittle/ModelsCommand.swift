import ArgumentParser

struct ModelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "models", abstract: "(not built yet)")
    func run() throws { throw ExitCode(2) }
}
