//! The sync worker's run loop: the page's messages, one WebSocket per document, and saving
//! the documents in the worker's own database. Files' contents travel apart (`transfers`).

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::rc::Rc;

use loam::core::attachment::Attachment;
use loam::core::review::ReviewRecord;
use loam::core::sync::file::{file_room, FileDoc};
use loam::core::sync::log::Flags;
use loam::core::sync::meta::Meta;
use loam::core::sync::shelf::Shelf;
use loam::core::sync::wire::{self, Heard};
use loam::core::sync::{doc_names, FromSync, PageNote, State, Status, ToSync, Traffic};
use loam::core::time::Time;
use loam::store::sync_docs::SyncDocs;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::spawn_local;
use web_sys::{BinaryType, DedicatedWorkerGlobalScope, MessageEvent, WebSocket};

mod transfers;
use transfers::*;

/// Longest wait between two attempts to reach the server.
const MAX_BACKOFF_MS: i32 = 30_000;
/// How long documents may stay unsaved after a change.
const SAVE_AFTER_MS: i32 = 400;
/// How often a Hocuspocus socket hears from us when nothing else is said.
const KEEP_ALIVE_MS: i32 = 25_000;
/// Cards whose logs go to the page in one message.
const LOG_BATCH: usize = 1_000;
/// Sockets opening at once: Chromium delays a page's WebSockets by up to seconds each once
/// about ten are opening together (measured: 21 at once took 4.8 s, four at a time 0.3 s).
const OPENING_AT_ONCE: usize = 4;
/// Files' contents sent or fetched at once: each may be 20 MB.
const TRANSFERS_AT_ONCE: usize = 2;
/// How long the review log waits for the notes told before it to be stored.
const LOG_PATIENCE_MS: i32 = 20_000;
/// How long a fetch waits for contents after the server first answered it has none.
const EMPTY_ANSWER_MS: i32 = 2_000;
/// Attempts at one file's contents before it waits for the next start.
const TRANSFER_TRIES: u32 = 4;

/// One document's connection.
#[derive(Default)]
struct Link {
    socket: Option<WebSocket>,
    /// The server answered our state vector on this connection.
    answered: bool,
    /// Its socket is opening.
    opening: bool,
    failures: u32,
}

impl Link {
    /// Its socket closed: it must be opened and answered again.
    fn lost(&mut self) {
        self.socket = None;
        self.answered = false;
        self.opening = false;
        self.failures += 1;
    }
}

fn random_client() -> u64 {
    (js_sys::Math::random() * 9_007_199_254_740_991.0) as u64
}

struct Sync {
    shelf: Shelf,
    store: Option<Rc<SyncDocs>>,
    server: String,
    /// A Hocuspocus server's token: then one socket carries every document.
    token: Option<String>,
    rooms: Vec<String>,
    links: Vec<Link>,
    /// Changes made while a document was not connected.
    waiting: usize,
    problem: Option<String>,
    unsaved: BTreeSet<usize>,
    saving: bool,
    stopped: bool,
    traffic: Traffic,
    /// Documents waiting for a socket to open, while others are opening.
    queued: std::collections::VecDeque<usize>,
    /// The room files' contents are named under.
    files_room: String,
    transfers: Vec<Transfer>,
    waiting_transfers: std::collections::VecDeque<Transfer>,
    /// Contents the page handed over, read into memory only when their turn comes.
    blobs: std::collections::VecDeque<(String, web_sys::Blob)>,
    /// Contents being read.
    reading: usize,
}

type Shared = Rc<RefCell<Sync>>;

fn scope() -> DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

fn tell(message: &FromSync) {
    if let Ok(text) = serde_json::to_string(message) {
        let _ = scope().post_message(&text.into());
    }
}

pub fn run() {
    console_error_panic_hook::set_once();
    let sync: Rc<RefCell<Option<Shared>>> = Rc::new(RefCell::new(None));
    let on_message = Closure::<dyn Fn(MessageEvent)>::new(move |e: MessageEvent| {
        let data = e.data();
        // Contents come as `[text, blob]`, the blob not copied by the page.
        if let Some(pair) = data.dyn_ref::<js_sys::Array>() {
            let message = pair.get(0).as_string();
            let message = message.and_then(|t| serde_json::from_str::<ToSync>(&t).ok());
            if let (Some(ToSync::Contents { hash }), Some(shared)) =
                (message, sync.borrow().clone())
            {
                match pair.get(1).dyn_into::<web_sys::Blob>() {
                    Ok(blob) => shared.borrow_mut().blobs.push_back((hash, blob)),
                    // The page no longer holds them.
                    Err(_) => shared.borrow_mut().shelf.upload_failed(&hash),
                }
                pump(&shared);
            }
            return;
        }
        let Some(text) = data.as_string() else {
            return;
        };
        let Ok(message) = serde_json::from_str::<ToSync>(&text) else {
            return;
        };
        match message {
            ToSync::Open {
                server,
                token,
                rooms,
                notes,
                answers,
                flags,
                now,
                meta,
                files_room,
            } => {
                let sync = sync.clone();
                let page = Page {
                    answers,
                    flags,
                    now,
                    meta,
                    files_room,
                };
                spawn_local(async move {
                    let opened = open(server, token, rooms, notes, page).await;
                    *sync.borrow_mut() = Some(opened);
                });
            }
            ToSync::Log(log) => {
                if let Some(shared) = sync.borrow().as_ref() {
                    shared.borrow_mut().shelf.from_page_log(log);
                    pump(shared);
                }
            }
            ToSync::Meta(meta) => {
                if let Some(shared) = sync.borrow().as_ref() {
                    shared.borrow_mut().shelf.from_page_meta(meta);
                    pump(shared);
                }
            }
            ToSync::StoredMeta => {
                if let Some(shared) = sync.borrow().as_ref() {
                    shared.borrow_mut().shelf.stored_meta();
                    pump(shared);
                }
            }
            ToSync::StoredCards(ids) => {
                if let Some(shared) = sync.borrow().as_ref() {
                    shared.borrow_mut().shelf.stored_cards(&ids);
                    pump(shared);
                }
            }
            ToSync::Notes(notes) => {
                if let Some(shared) = sync.borrow().as_ref() {
                    for note in notes {
                        shared.borrow_mut().shelf.from_page(note);
                    }
                    pump(shared);
                }
            }
            ToSync::Stored(ids) => {
                if let Some(shared) = sync.borrow().as_ref() {
                    shared.borrow_mut().shelf.stored(&ids);
                    pump(shared);
                }
            }
            // Only ever sent with its blob, above.
            ToSync::Contents { .. } => {}
            ToSync::Forget => {
                let shared = sync.borrow_mut().take();
                spawn_local(async move {
                    if let Some(shared) = shared {
                        stop(&shared);
                    }
                    if let Ok(store) = SyncDocs::open().await {
                        let _ = store.clear().await;
                    }
                    tell(&FromSync::Forgotten);
                });
            }
        }
    });
    scope().set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    tell(&FromSync::Ready);
}

/// The page's review log, settings and courses at start.
struct Page {
    answers: Vec<ReviewRecord>,
    flags: Flags,
    now: Time,
    meta: Meta,
    files_room: String,
}

async fn open(
    server: String,
    token: Option<String>,
    rooms: Vec<String>,
    notes: Vec<PageNote>,
    page: Page,
) -> Shared {
    let names = doc_names();
    let mut shelf = Shelf::new(random_client());
    let mut problem = None;
    let store = SyncDocs::open().await.ok().map(Rc::new);
    if let Some(store) = &store {
        match store.read(&names).await {
            Ok(docs) => {
                for (name, state) in docs {
                    let Some(doc) = names.iter().position(|n| *n == name) else {
                        continue;
                    };
                    if shelf.restore(doc, &state).is_err() {
                        // Rebuilt from the library and the server: nothing is lost.
                        problem = Some(
                            "Saved sync data could not be read; it is being rebuilt.".to_string(),
                        );
                    }
                }
            }
            Err(e) => problem = Some(e.to_string()),
        }
    }
    shelf.settle();
    for note in notes {
        shelf.from_page(note);
    }
    shelf.open_log(page.answers, &page.flags, page.now);
    shelf.from_page_meta(page.meta);
    let count = names.len();
    let shared = Rc::new(RefCell::new(Sync {
        shelf,
        store,
        server,
        token,
        rooms,
        links: (0..count).map(|_| Link::default()).collect(),
        waiting: 0,
        problem,
        unsaved: (0..count).collect(),
        saving: false,
        stopped: false,
        traffic: Traffic::default(),
        queued: Default::default(),
        files_room: page.files_room,
        transfers: Vec::new(),
        waiting_transfers: Default::default(),
        blobs: Default::default(),
        reading: 0,
    }));
    if shared.borrow().token.is_some() {
        connect_all(&shared);
        keep_alive(&shared);
    } else {
        for doc in 0..count {
            connect(&shared, doc);
        }
    }
    pump(&shared);
    shared
}

fn stop(shared: &Shared) {
    let mut sync = shared.borrow_mut();
    sync.stopped = true;
    for link in &mut sync.links {
        if let Some(socket) = link.socket.take() {
            let _ = socket.close();
        }
    }
}

/// Opens the one socket a Hocuspocus server takes for every document: each document's
/// token, then its state vector.
fn connect_all(shared: &Shared) {
    let (address, count) = {
        let sync = shared.borrow();
        if sync.stopped || sync.links.iter().any(|l| l.socket.is_some()) {
            return;
        }
        (sync.server.clone(), sync.links.len())
    };
    let opened = {
        let shared = shared.clone();
        move || {
            let mut sync = shared.borrow_mut();
            let token = sync.token.clone().unwrap_or_default();
            for doc in 0..count {
                let hello = wire::token(&sync.rooms[doc], &token);
                if let Some(socket) = &sync.links[doc].socket {
                    let _ = socket.send_with_u8_array(&hello);
                }
                let step1 = wire::step1(sync.shelf.state_vector(doc));
                send(&mut sync, doc, &step1);
            }
        }
    };
    let message = {
        let shared = shared.clone();
        move |bytes: Vec<u8>| heard_named(&shared, &bytes)
    };
    let closed = {
        let shared = shared.clone();
        move || {
            if shared.borrow().stopped {
                return;
            }
            {
                let mut sync = shared.borrow_mut();
                sync.links.iter_mut().for_each(Link::lost);
                let lost: Vec<Transfer> = sync.transfers.drain(..).collect();
                for transfer in lost {
                    try_again(&mut sync, transfer);
                }
            }
            retry(&shared, 0);
            pump(&shared);
        }
    };
    match open_socket(&address, opened, message, closed) {
        Some(socket) => {
            for link in &mut shared.borrow_mut().links {
                link.socket = Some(socket.clone());
            }
        }
        None => unreachable_address(shared, &address, 0),
    }
}

/// Hocuspocus closes a socket that has said nothing for a minute: while idle, the index's
/// state vector goes out twice a minute (the answer is a few bytes).
fn keep_alive(shared: &Shared) {
    let shared = shared.clone();
    let tick = Closure::<dyn Fn()>::new(move || {
        let mut sync = shared.borrow_mut();
        if sync.links[0].answered {
            let step1 = wire::step1(sync.shelf.state_vector(0));
            send(&mut sync, 0, &step1);
        }
    });
    let _ = scope().set_interval_with_callback_and_timeout_and_arguments_0(
        tick.as_ref().unchecked_ref(),
        KEEP_ALIVE_MS,
    );
    tick.forget();
}

/// Opens document `doc`'s socket, or queues it while [`OPENING_AT_ONCE`] others open.
fn connect(shared: &Shared, doc: usize) {
    let address = {
        let mut sync = shared.borrow_mut();
        if sync.stopped {
            return;
        }
        if sync.links.iter().filter(|l| l.opening).count() >= OPENING_AT_ONCE {
            sync.queued.push_back(doc);
            return;
        }
        sync.links[doc].opening = true;
        format!("{}/{}", sync.server, sync.rooms[doc])
    };
    let opened = {
        let shared = shared.clone();
        move || {
            {
                let mut sync = shared.borrow_mut();
                sync.links[doc].opening = false;
                let hello = wire::step1(sync.shelf.state_vector(doc));
                send(&mut sync, doc, &hello);
            }
            open_next(&shared);
        }
    };
    let message = {
        let shared = shared.clone();
        move |bytes: Vec<u8>| heard(&shared, doc, &bytes)
    };
    let closed = {
        let shared = shared.clone();
        move || {
            if shared.borrow().stopped {
                return;
            }
            shared.borrow_mut().links[doc].lost();
            open_next(&shared);
            retry(&shared, doc);
            pump(&shared);
        }
    };
    match open_socket(&address, opened, message, closed) {
        Some(socket) => shared.borrow_mut().links[doc].socket = Some(socket),
        None => {
            shared.borrow_mut().links[doc].opening = false;
            unreachable_address(shared, &address, doc);
        }
    }
}

/// A socket to `address` whose events go to these handlers, which it keeps for as long as
/// it lives (a few per reconnection); `None` if the browser refuses the address.
fn open_socket(
    address: &str,
    opened: impl Fn() + 'static,
    message: impl Fn(Vec<u8>) + 'static,
    closed: impl Fn() + 'static,
) -> Option<WebSocket> {
    let socket = WebSocket::new(address).ok()?;
    socket.set_binary_type(BinaryType::Arraybuffer);
    let on_open = Closure::<dyn Fn()>::new(opened);
    let on_message = Closure::<dyn Fn(MessageEvent)>::new(move |e: MessageEvent| {
        message(js_sys::Uint8Array::new(&e.data()).to_vec())
    });
    let on_close = Closure::<dyn Fn()>::new(closed);
    socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
    on_open.forget();
    on_message.forget();
    on_close.forget();
    Some(socket)
}

fn unreachable_address(shared: &Shared, address: &str, doc: usize) {
    shared.borrow_mut().problem = Some(format!("“{address}” is not an address Loam can reach."));
    retry(shared, doc);
}

/// Opens the next queued document's socket.
fn open_next(shared: &Shared) {
    let next = shared.borrow_mut().queued.pop_front();
    if let Some(doc) = next {
        connect(shared, doc);
    }
}

/// Sends `bytes` on document `doc`'s socket, counting them.
fn send(sync: &mut Sync, doc: usize, bytes: &[u8]) -> bool {
    let socket = sync.links[doc].socket.as_ref();
    let hocuspocus = sync.token.is_some();
    send_on(
        &mut sync.traffic,
        hocuspocus,
        socket,
        &sync.rooms[doc],
        bytes,
    )
}

/// Sends `bytes` of the document in `room` on `socket` (framed with the room's name for
/// Hocuspocus), counting them; whether they went.
fn send_on(
    traffic: &mut Traffic,
    hocuspocus: bool,
    socket: Option<&WebSocket>,
    room: &str,
    bytes: &[u8],
) -> bool {
    let framed;
    let bytes = if hocuspocus {
        framed = wire::named(room, bytes);
        &framed
    } else {
        bytes
    };
    match socket {
        Some(socket) if socket.send_with_u8_array(bytes).is_ok() => {
            traffic.sent += bytes.len() as f64;
            true
        }
        _ => false,
    }
}

/// Tries again after a wait that doubles with each failure, up to half a minute.
fn retry(shared: &Shared, doc: usize) {
    let failures = shared.borrow().links[doc].failures.min(6);
    let wait = (500 * 2i32.pow(failures)).min(MAX_BACKOFF_MS);
    let shared = shared.clone();
    let again = Closure::once_into_js(move || {
        if shared.borrow().token.is_some() {
            connect_all(&shared);
        } else {
            connect(&shared, doc);
        }
    });
    let _ =
        scope().set_timeout_with_callback_and_timeout_and_arguments_0(again.unchecked_ref(), wait);
}

fn heard(shared: &Shared, doc: usize, bytes: &[u8]) {
    shared.borrow_mut().traffic.received += bytes.len() as f64;
    match wire::read(bytes) {
        Ok(messages) => take(shared, doc, messages),
        Err(problem) => {
            shared.borrow_mut().problem = Some(problem.to_string());
            pump(shared);
        }
    }
}

/// A Hocuspocus message: the document is named in it.
fn heard_named(shared: &Shared, bytes: &[u8]) {
    shared.borrow_mut().traffic.received += bytes.len() as f64;
    let read = wire::read_named(bytes).and_then(|(name, messages)| {
        let doc = shared.borrow().rooms.iter().position(|room| *room == name);
        let transfer = shared.borrow().transfers.iter().any(|t| t.room == name);
        // A file's document ended here stays open on the shared socket: what comes for it
        // later is passed over.
        let ended = name.starts_with(&shared.borrow().files_room);
        match doc {
            None if transfer || ended => Ok((None, name, messages)),
            None => Err(loam::core::sync::shelf::SyncError::NoSuchDocument),
            doc => Ok((doc, name, messages)),
        }
    });
    match read {
        Ok((Some(doc), _, messages)) => take(shared, doc, messages),
        Ok((None, room, messages)) => heard_transfer(shared, &room, None, messages),
        Err(problem) => {
            shared.borrow_mut().problem = Some(problem.to_string());
            pump(shared);
        }
    }
}

/// Acts on what the server said about document `doc`.
fn take(shared: &Shared, doc: usize, messages: Vec<Heard>) {
    for message in messages {
        let mut sync = shared.borrow_mut();
        match message {
            Heard::Step1(theirs) => {
                // Empty: wiped, or y-websocket still reading it from its storage. One file's
                // contents tell which.
                if doc == 0 && theirs.is_empty() {
                    if let Some(hash) = sync.shelf.a_page_file() {
                        let room = file_room(&sync.files_room, &hash);
                        let mut probe = Transfer::new(room, hash, None, Vec::new());
                        probe.probe = true;
                        queue(&mut sync, probe, true);
                    }
                }
                let answer = wire::step2(sync.shelf.missing(doc, &theirs));
                send(&mut sync, doc, &answer);
            }
            Heard::Step2(update) | Heard::Update(update) => {
                let first = !sync.links[doc].answered;
                match sync.shelf.from_server(doc, &update) {
                    Ok(()) => {
                        sync.unsaved.insert(doc);
                        sync.problem = None;
                    }
                    Err(problem) => sync.problem = Some(problem.to_string()),
                }
                if first {
                    let link = &mut sync.links[doc];
                    link.answered = true;
                    link.failures = 0;
                    sync.shelf.answered(doc);
                }
            }
            Heard::Refused(reason) => {
                sync.problem = Some(format!("The server refused: {reason}"));
            }
        }
    }
    pump(shared);
}

/// Sends what was made here, tells the page what arrived and how things stand, and saves.
fn pump(shared: &Shared) {
    let (arrivals, meta, logs, status, wanted, held) = {
        let mut sync = shared.borrow_mut();
        let sync = &mut *sync;
        let wanted = sync.shelf.take_uploads();
        let mut held = Vec::new();
        for fetch in sync.shelf.take_downloads() {
            if fetch.held {
                held.push(fetch.files);
            } else {
                let room = file_room(&sync.files_room, &fetch.hash);
                let transfer = Transfer::new(room, fetch.hash, None, fetch.files);
                queue(sync, transfer, false);
            }
        }
        for (doc, update) in sync.shelf.take_outbox() {
            sync.unsaved.insert(doc);
            let link = &sync.links[doc];
            let open = link.answered
                && link
                    .socket
                    .as_ref()
                    .is_some_and(|s| s.ready_state() == WebSocket::OPEN);
            // Otherwise sent with the next connection's exchange: the documents hold it.
            if !(open && send(sync, doc, &wire::update(update))) {
                sync.waiting += 1;
            }
        }
        let all = sync.links.iter().all(|l| l.answered);
        if all {
            sync.waiting = 0;
        }
        let waiting = sync.waiting
            + sync.shelf.held()
            + sync.shelf.waiting_uploads()
            + sync.transfers.len()
            + sync.waiting_transfers.len()
            + sync.blobs.len()
            + sync.reading;
        let state = if all && waiting == 0 {
            State::Synced
        } else if sync.links.iter().any(|l| l.answered) {
            State::Syncing
        } else if sync.links.iter().all(|l| l.failures > 0) {
            State::Offline
        } else {
            State::Starting
        };
        let problem = match (&sync.problem, state) {
            (None, State::Offline) => {
                Some("The server cannot be reached; changes are kept here.".to_string())
            }
            (problem, _) => problem.clone(),
        };
        sync.traffic.memory = wasm_bindgen::memory()
            .unchecked_into::<js_sys::WebAssembly::Memory>()
            .buffer()
            .unchecked_into::<js_sys::ArrayBuffer>()
            .byte_length() as f64;
        let traffic = sync.traffic;
        (
            sync.shelf.to_page(),
            sync.shelf.to_page_meta(),
            sync.shelf.to_page_log(),
            Status {
                state,
                waiting,
                problem,
                traffic,
            },
            wanted,
            held,
        )
    };
    // Notes first: the page derives their cards, which the logs then find.
    if !arrivals.is_empty() {
        tell(&FromSync::Arrivals(arrivals));
        log_anyway_later(shared);
    }
    if !meta.is_empty() {
        tell(&FromSync::Meta(Box::new(meta)));
    }
    // In batches: the page stores each in its own write, and paints between them.
    for batch in logs.chunks(LOG_BATCH) {
        tell(&FromSync::Log(batch.to_vec()));
    }
    if !wanted.is_empty() {
        tell(&FromSync::Want(wanted));
    }
    for files in held {
        tell_files(files, None);
    }
    tell(&FromSync::Status(status));
    save_later(shared);
    start_transfers(shared);
}

/// The log waits for the notes told with it to be stored, but not for ever: a write that
/// failed is tried again later, without telling sync.
fn log_anyway_later(shared: &Shared) {
    let shared = shared.clone();
    let later = Closure::once_into_js(move || {
        shared.borrow_mut().shelf.deliver_log_anyway();
        pump(&shared);
    });
    let _ = scope().set_timeout_with_callback_and_timeout_and_arguments_0(
        later.unchecked_ref(),
        LOG_PATIENCE_MS,
    );
}

/// Saves changed documents shortly, once the page has stored all they brought.
fn save_later(shared: &Shared) {
    {
        let mut sync = shared.borrow_mut();
        if sync.saving || sync.unsaved.is_empty() || !sync.shelf.storable() {
            return;
        }
        sync.saving = true;
    }
    let shared = shared.clone();
    let later = Closure::once_into_js(move || {
        spawn_local(async move {
            let (store, docs) = {
                let mut sync = shared.borrow_mut();
                sync.saving = false;
                if !sync.shelf.storable() {
                    return;
                }
                let names = doc_names();
                let unsaved = std::mem::take(&mut sync.unsaved);
                let docs: Vec<(String, Vec<u8>)> = unsaved
                    .into_iter()
                    .map(|doc| (names[doc].clone(), sync.shelf.encode(doc)))
                    .collect();
                (sync.store.clone(), docs)
            };
            if let Some(store) = store {
                if let Err(e) = store.write(&docs).await {
                    shared.borrow_mut().problem = Some(e.to_string());
                }
            }
        });
    });
    let _ = scope().set_timeout_with_callback_and_timeout_and_arguments_0(
        later.unchecked_ref(),
        SAVE_AFTER_MS,
    );
}
