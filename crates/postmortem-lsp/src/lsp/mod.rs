//! The language server: a thin layer that keeps documents in ropes, runs the
//! engine on every change and translates its results to LSP.

mod actions;
pub mod convert;
pub mod documents;
mod draft;
mod framing;
mod ide;
mod render;
mod review;
mod server;

pub use server::Backend;

/// Serve LSP over stdin/stdout until the client exits.
pub fn run_stdio() -> i32 {
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("postmortem-lsp: can't start the runtime: {e}");
            return 2;
        }
    };
    rt.block_on(serve(tokio::io::stdin(), tokio::io::stdout()));
    // A read of stdin may still be waiting on its blocking thread (the client
    // need not close stdin after `exit`): don't wait for it.
    rt.shutdown_background();
    0
}

/// Serve LSP over any byte streams (stdio, or a socket pair in tests).
pub async fn serve<I, O>(input: I, output: O)
where
    I: tokio::io::AsyncRead + Unpin,
    O: tokio::io::AsyncWrite,
{
    let (service, socket) = service();
    // Messages are framed and checked first, so that a malformed one is
    // answered with an error instead of ending the session (see `framing`).
    let (to_server, server_input) = tokio::io::duplex(64 * 1024);
    let server = tower_lsp_server::Server::new(server_input, output, socket).serve(service);
    let forward = framing::forward(input, to_server);
    tokio::pin!(server, forward);
    tokio::select! {
        _ = &mut server => {}
        // The input ended: the server sees the end of its input and stops.
        _ = &mut forward => server.await,
    }
}

/// The service, with the notification tower-lsp-server does not route itself
/// (`window/workDoneProgress/cancel`, for cancelling Claude drafts).
fn service() -> (
    tower_lsp_server::LspService<Backend>,
    tower_lsp_server::ClientSocket,
) {
    tower_lsp_server::LspService::build(Backend::new)
        .custom_method(
            "window/workDoneProgress/cancel",
            Backend::work_done_progress_cancel,
        )
        .custom_method(framing::MALFORMED, Backend::malformed_message)
        .custom_method(render::METHOD, Backend::render)
        .finish()
}
