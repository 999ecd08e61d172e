//! Attached files' contents on their way to or from the server, each in a document of its
//! own, a few at a time, tried again with a growing wait.

use super::*;

/// One file's contents on their way to or from the server, in a document of their own.
pub(super) struct Transfer {
    pub(super) room: String,
    pub(super) hash: String,
    pub(super) doc: FileDoc,
    /// The contents to send; `None` to fetch them.
    pub(super) upload: Option<Vec<u8>>,
    /// The files to hand the page once fetched.
    pub(super) files: Vec<Attachment>,
    /// Its own socket; a Hocuspocus transfer speaks over the shared one.
    pub(super) socket: Option<WebSocket>,
    /// The server answered our state vector.
    pub(super) answered: bool,
    /// The contents went out: the server's next answer says it has them.
    pub(super) sent: bool,
    pub(super) tries: u32,
    /// This attempt, for timers and socket events that may outlive it.
    pub(super) attempt: u64,
    /// A fetch that only checks whether the server still has the contents (it answered
    /// the index as if empty).
    pub(super) probe: bool,
    /// An upload that waits a moment on an empty first answer, as a fetch does: sent
    /// again after a wipe, when the server may only be reading it from storage.
    pub(super) patient: bool,
}

thread_local! {
    static ATTEMPTS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

pub(super) fn next_attempt() -> u64 {
    ATTEMPTS.with(|a| {
        a.set(a.get() + 1);
        a.get()
    })
}

impl Transfer {
    pub(super) fn new(
        room: String,
        hash: String,
        upload: Option<Vec<u8>>,
        files: Vec<Attachment>,
    ) -> Self {
        Transfer {
            room,
            hash,
            doc: FileDoc::new(random_client()),
            upload,
            files,
            socket: None,
            answered: false,
            sent: false,
            tries: 0,
            attempt: next_attempt(),
            probe: false,
            patient: false,
        }
    }

    /// Back to its start, for another attempt.
    pub(super) fn again(mut self) -> Self {
        if let Some(socket) = self.socket.take() {
            let _ = socket.close();
        }
        self.doc = FileDoc::new(random_client());
        self.answered = false;
        self.sent = false;
        self.tries += 1;
        self.attempt = next_attempt();
        self
    }
}

/// How a transfer ended.
pub(super) enum Ended {
    Sent,
    Fetched(Vec<u8>),
    /// The server does not have them (yet): asked again at the next start.
    Missing,
    Failed,
}

/// Files that arrived, with their contents unless the page holds them (moved, not copied).
pub(super) fn tell_files(files: Vec<Attachment>, bytes: Option<Vec<u8>>) {
    let Ok(text) = serde_json::to_string(&FromSync::Files(files)) else {
        return;
    };
    match bytes {
        Some(bytes) => {
            let array = js_sys::Uint8Array::from(&bytes[..]);
            let pair = js_sys::Array::of2(&text.into(), &array);
            let moved = js_sys::Array::of1(&array.buffer());
            let _ = scope().post_message_with_transfer(&pair, &moved);
        }
        None => {
            let _ = scope().post_message(&text.into());
        }
    }
}

/// Reads handed-over contents into memory, then sends them.
pub(super) async fn read_contents(shared: Shared, hash: String, blob: web_sys::Blob) {
    let read = wasm_bindgen_futures::JsFuture::from(blob.array_buffer()).await;
    {
        let mut sync = shared.borrow_mut();
        sync.reading -= 1;
        match read {
            Ok(buffer) => {
                let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
                let room = file_room(&sync.files_room, &hash);
                let mut transfer = Transfer::new(room, hash, Some(bytes), Vec::new());
                transfer.patient = sync.shelf.server_was_blank();
                queue(&mut sync, transfer, true);
            }
            Err(_) => sync.shelf.upload_failed(&hash),
        }
    }
    pump(&shared);
}

/// Starts waiting transfers while the index is connected and fewer than
/// [`TRANSFERS_AT_ONCE`] are under way.
pub(super) fn start_transfers(shared: &Shared) {
    loop {
        let mut sync = shared.borrow_mut();
        if sync.stopped
            || !sync.links[0].answered
            || sync.transfers.len() + sync.reading >= TRANSFERS_AT_ONCE
        {
            return;
        }
        let Some(mut transfer) = sync.waiting_transfers.pop_front() else {
            // Contents to send are read only now, so few are in memory at once.
            if let Some((hash, blob)) = sync.blobs.pop_front() {
                sync.reading += 1;
                spawn_local(read_contents(shared.clone(), hash, blob));
                continue;
            }
            return;
        };
        let room = transfer.room.clone();
        let hello = wire::step1(transfer.doc.state_vector());
        if let Some(token) = sync.token.clone() {
            // Hocuspocus: the one socket, with this document's token first.
            let socket = sync.links[0].socket.clone();
            if let Some(socket) = &socket {
                let _ = socket.send_with_u8_array(&wire::token(&room, &token));
            }
            sync.transfers.push(transfer);
            send_transfer(&mut sync, &room, &hello);
            continue;
        }
        let address = format!("{}/{}", sync.server, room);
        drop(sync);
        let opened = {
            let shared = shared.clone();
            let room = room.clone();
            move || send_transfer(&mut shared.borrow_mut(), &room, &hello)
        };
        let message = {
            let shared = shared.clone();
            let room = room.clone();
            let attempt = transfer.attempt;
            move |bytes: Vec<u8>| {
                shared.borrow_mut().traffic.received += bytes.len() as f64;
                match wire::read(&bytes) {
                    Ok(messages) => heard_transfer(&shared, &room, Some(attempt), messages),
                    Err(problem) => {
                        shared.borrow_mut().problem = Some(problem.to_string());
                        end_transfer(&shared, attempt, Ended::Failed);
                    }
                }
            }
        };
        let closed = {
            let shared = shared.clone();
            let attempt = transfer.attempt;
            move || {
                let mut sync = shared.borrow_mut();
                if let Some(at) = sync.transfers.iter().position(|t| t.attempt == attempt) {
                    let transfer = sync.transfers.remove(at);
                    try_again(&mut sync, transfer);
                    drop(sync);
                    pump(&shared);
                }
            }
        };
        transfer.socket = open_socket(&address, opened, message, closed);
        if transfer.socket.is_some() {
            shared.borrow_mut().transfers.push(transfer);
        }
    }
}

/// Queues a transfer, unless one for the same contents is under way or waiting: answers are
/// told apart by room.
pub(super) fn queue(sync: &mut Sync, transfer: Transfer, first: bool) {
    let known = sync
        .transfers
        .iter_mut()
        .chain(&mut sync.waiting_transfers)
        .find(|t| t.room == transfer.room);
    if let Some(known) = known {
        // Another file of the same contents waits for the same fetch.
        known.files.extend(transfer.files);
        return;
    }
    if first {
        sync.waiting_transfers.push_front(transfer);
    } else {
        sync.waiting_transfers.push_back(transfer);
    }
}

/// Queues a transfer cut off midway, unless it was tried often enough.
pub(super) fn try_again(sync: &mut Sync, transfer: Transfer) {
    if transfer.tries + 1 < TRANSFER_TRIES {
        sync.waiting_transfers.push_back(transfer.again());
    } else if transfer.upload.is_some() {
        sync.shelf.upload_failed(&transfer.hash);
    }
}

/// Sends `bytes` for the transfer in `room`, counting them.
pub(super) fn send_transfer(sync: &mut Sync, room: &str, bytes: &[u8]) {
    let socket = match sync.transfers.iter().find(|t| t.room == room) {
        Some(Transfer {
            socket: Some(socket),
            ..
        }) => Some(socket),
        Some(_) => sync.links[0].socket.as_ref(),
        None => None,
    };
    send_on(&mut sync.traffic, sync.token.is_some(), socket, room, bytes);
}

/// Acts on what the server said of the document in `room`; on a socket of its own, only
/// for the attempt that opened it.
pub(super) fn heard_transfer(shared: &Shared, room: &str, on: Option<u64>, messages: Vec<Heard>) {
    let mut ended = None;
    let attempt;
    {
        let mut sync = shared.borrow_mut();
        let sync = &mut *sync;
        let found = sync
            .transfers
            .iter()
            .position(|t| t.room == room && on.is_none_or(|attempt| attempt == t.attempt));
        let Some(at) = found else {
            return;
        };
        attempt = sync.transfers[at].attempt;
        for message in messages {
            let transfer = &mut sync.transfers[at];
            let (update, answer) = match message {
                Heard::Step2(update) => (update, true),
                Heard::Update(update) => (update, false),
                Heard::Step1(_) => continue,
                Heard::Refused(reason) => {
                    sync.problem = Some(format!("The server refused: {reason}"));
                    ended = Some(Ended::Failed);
                    break;
                }
            };
            if let Err(problem) = transfer.doc.take(&update) {
                sync.problem = Some(problem.to_string());
                ended = Some(Ended::Failed);
                break;
            }
            let first = answer && !transfer.answered;
            transfer.answered |= answer;
            ended = match (&transfer.upload, transfer.doc.bytes()) {
                // The answer after our contents went out: the server has them.
                _ if answer && transfer.sent => Some(Ended::Sent),
                (Some(_), Some(_)) => Some(Ended::Sent),
                (None, Some(bytes)) => Some(Ended::Fetched(bytes)),
                (None, None) if first => {
                    after_a_while(shared, attempt);
                    None
                }
                (Some(_), None) if first && transfer.patient => {
                    after_a_while(shared, attempt);
                    None
                }
                (Some(_), None) if first => {
                    send_contents(sync, at);
                    None
                }
                _ => None,
            };
            if ended.is_some() {
                break;
            }
        }
    }
    if let Some(ended) = ended {
        end_transfer(shared, attempt, ended);
    }
}

/// Puts the contents of transfer `at` into its document and sends them, then asks for the
/// server's state: it answers in order, so that answer comes once it has them.
pub(super) fn send_contents(sync: &mut Sync, at: usize) {
    let transfer = &mut sync.transfers[at];
    let Some(bytes) = &transfer.upload else {
        return;
    };
    let update = wire::update(transfer.doc.put(bytes));
    let ask = wire::step1(transfer.doc.state_vector());
    transfer.sent = true;
    let room = transfer.room.clone();
    send_transfer(sync, &room, &update);
    send_transfer(sync, &room, &ask);
}

/// y-websocket answers a document it is still reading from its storage as if it were
/// empty, then sends what it read as an update: an empty first answer is believed only
/// once nothing came for a while. Then a fetch finds nothing, and an upload sends.
pub(super) fn after_a_while(shared: &Shared, attempt: u64) {
    let shared = shared.clone();
    let later = Closure::once_into_js(move || {
        let missing = {
            let mut sync = shared.borrow_mut();
            let Some(at) = sync.transfers.iter().position(|t| t.attempt == attempt) else {
                return;
            };
            let transfer = &sync.transfers[at];
            let fetch = transfer.upload.is_none();
            if !fetch && !transfer.sent {
                send_contents(&mut sync, at);
            }
            fetch
        };
        if missing {
            end_transfer(&shared, attempt, Ended::Missing);
        }
    });
    let _ = scope().set_timeout_with_callback_and_timeout_and_arguments_0(
        later.unchecked_ref(),
        EMPTY_ANSWER_MS,
    );
}

pub(super) fn end_transfer(shared: &Shared, attempt: u64, ended: Ended) {
    {
        let mut sync = shared.borrow_mut();
        let Some(at) = sync.transfers.iter().position(|t| t.attempt == attempt) else {
            return;
        };
        let mut transfer = sync.transfers.remove(at);
        if let Some(socket) = transfer.socket.take() {
            let _ = socket.close();
        }
        match ended {
            // The server lost the contents it had: it was wiped.
            Ended::Missing if transfer.probe => sync.shelf.server_blank(),
            _ if transfer.probe => {}
            Ended::Sent => sync.shelf.uploaded(&transfer.hash),
            Ended::Failed if transfer.upload.is_some() => sync.shelf.upload_failed(&transfer.hash),
            Ended::Fetched(bytes) => tell_files(transfer.files, Some(bytes)),
            Ended::Missing | Ended::Failed => {}
        }
    }
    pump(shared);
}
