fn main() {
    std::process::exit(postmortem_lsp::cli::main());
}
