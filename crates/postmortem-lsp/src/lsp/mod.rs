//! The language server: a thin layer that keeps documents in ropes, runs the
//! engine on every change and translates its results to LSP.

mod actions;
pub mod convert;
pub mod documents;
mod draft;
mod framing;
mod ide;
mod publish;
mod render;
mod review;
mod server;

pub use server::Backend;

/// Serve LSP over stdin/stdout until the client exits.
pub fn run_stdio() -> i32 {
    // One thread runs the event loop and every handler. A postmortem up to
    // 256 KiB is analysed inline under the state lock either way, and larger
    // ones on the blocking pool, so a second worker thread only added
    // wake-ups between threads: server CPU per keystroke 199–269 → 169–202 µs
    // on the example's first sections, peak RSS 0.4–1 MiB lower, hover p95
    // while typing in a 5 MB document unchanged (docs/performance.md).
    let rt = match tokio::runtime::Builder::new_current_thread()
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
        // Editors connect a server through pipes: those are read and written
        // by the runtime's own event loop, which saves two thread hand-offs
        // per message (tokio's stdin and stdout go through blocking threads):
        // 0.52 → 0.44 ms per keystroke on the example's first sections, see
        // docs/performance.md. A terminal or a file keeps tokio's stdio.
        #[cfg(unix)]
        if let Some((input, output)) = stdio_pipes() {
            return serve(input, output).await;
        }
        serve(tokio::io::stdin(), tokio::io::stdout()).await
    });
    // A read of stdin may still be waiting on its blocking thread (the client
    // need not close stdin after `exit`): don't wait for it.
    rt.shutdown_background();
    0
}

/// Stdin and stdout as non-blocking pipes on the event loop, when both are
/// pipes (copies of the descriptors; nothing else in the server writes to
/// stdout).
#[cfg(unix)]
fn stdio_pipes() -> Option<(
    tokio::net::unix::pipe::Receiver,
    tokio::net::unix::pipe::Sender,
)> {
    use std::os::fd::AsFd;
    use std::os::unix::fs::FileTypeExt;
    let is_pipe = |fd: std::os::fd::BorrowedFd<'_>| {
        fd.try_clone_to_owned()
            .ok()
            .and_then(|owned| std::fs::File::from(owned).metadata().ok())
            .is_some_and(|m| m.file_type().is_fifo())
    };
    let (stdin, stdout) = (std::io::stdin(), std::io::stdout());
    if !is_pipe(stdin.as_fd()) || !is_pipe(stdout.as_fd()) {
        return None;
    }
    let input = stdin.as_fd().try_clone_to_owned().ok()?;
    let output = stdout.as_fd().try_clone_to_owned().ok()?;
    Some((
        tokio::net::unix::pipe::Receiver::from_owned_fd(input).ok()?,
        tokio::net::unix::pipe::Sender::from_owned_fd(output).ok()?,
    ))
}

/// Serve LSP over any byte streams (stdio, or a socket pair in tests).
pub async fn serve<I, O>(input: I, output: O)
where
    I: tokio::io::AsyncRead + Unpin,
    O: tokio::io::AsyncWrite,
{
    // Diagnostics are written to the output directly (see `publish`),
    // between the messages tower-lsp-server writes.
    let (frames, direct) = tokio::sync::mpsc::unbounded_channel();
    let (service, socket) = service(publish::Publisher::new(frames));
    // Messages are framed and checked first, so that a malformed one is
    // answered with an error instead of ending the session (see `framing`).
    let (to_server, server_input) = tokio::io::duplex(64 * 1024);
    let (server_output, from_server) = tokio::io::duplex(64 * 1024);
    let server = tower_lsp_server::Server::new(server_input, server_output, socket).serve(service);
    let forward = framing::forward(input, to_server);
    let write = framing::write_out(from_server, direct, output);
    let session = async move {
        tokio::pin!(server, forward);
        tokio::select! {
            _ = &mut server => {}
            // The input ended: the server sees the end of its input and stops.
            _ = &mut forward => server.await,
        }
    };
    tokio::join!(session, write);
}

/// The service, with the notification tower-lsp-server does not route itself
/// (`window/workDoneProgress/cancel`, for cancelling Claude drafts).
fn service(
    publisher: publish::Publisher,
) -> (
    tower_lsp_server::LspService<Backend>,
    tower_lsp_server::ClientSocket,
) {
    tower_lsp_server::LspService::build(move |client| Backend::new(client, publisher))
        .custom_method(
            "window/workDoneProgress/cancel",
            Backend::work_done_progress_cancel,
        )
        .custom_method(framing::MALFORMED, Backend::malformed_message)
        .custom_method(render::METHOD, Backend::render)
        .finish()
}
