//! The language server: a thin layer that keeps documents in ropes, runs the
//! engine on every change and translates its results to LSP.

mod actions;
pub mod convert;
pub mod documents;
mod draft;
mod ide;
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
    rt.block_on(async {
        let (service, socket) = service();
        tower_lsp_server::Server::new(tokio::io::stdin(), tokio::io::stdout(), socket)
            .serve(service)
            .await;
    });
    0
}

/// Serve LSP over any byte streams (used in-process by tests).
pub async fn serve<I, O>(input: I, output: O)
where
    I: tokio::io::AsyncRead + Unpin,
    O: tokio::io::AsyncWrite,
{
    let (service, socket) = service();
    tower_lsp_server::Server::new(input, output, socket)
        .serve(service)
        .await;
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
        .finish()
}
