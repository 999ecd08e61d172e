//! The y-protocols messages a stock `y-websocket` server exchanges: `[type][payload]`, where
//! sync (type 0) carries step 1 (a state vector), step 2 or an update. Awareness and anything
//! else is read past. Hocuspocus puts the document's name before each message (many documents
//! over one socket) and speaks its own auth ([`named`], [`token`], [`read_named`]).

use yrs::encoding::read::{Cursor, Read};
use yrs::encoding::write::Write;
use yrs::sync::{Message, MessageReader, SyncMessage};
use yrs::updates::decoder::{Decode, DecoderV1};
use yrs::updates::encoder::Encode;
use yrs::StateVector;

use super::shelf::{SyncError, MAX_UPDATE_BYTES};

/// What a server said that sync acts on.
#[derive(Debug, PartialEq)]
pub enum Heard {
    /// Its state vector: answer with what it lacks.
    Step1(StateVector),
    /// What we lacked, in answer to our state vector.
    Step2(Vec<u8>),
    /// A change another device made.
    Update(Vec<u8>),
    /// It refused us, with its reason.
    Refused(String),
}

/// Reads one WebSocket message (which may hold several protocol messages).
pub fn read(bytes: &[u8]) -> Result<Vec<Heard>, SyncError> {
    if bytes.len() > MAX_UPDATE_BYTES {
        return Err(SyncError::TooLarge(bytes.len()));
    }
    let mut decoder = DecoderV1::new(Cursor::new(bytes));
    let mut heard = Vec::new();
    for message in MessageReader::new(&mut decoder) {
        match message.map_err(|e| SyncError::Malformed(e.to_string()))? {
            Message::Sync(SyncMessage::SyncStep1(sv)) => heard.push(Heard::Step1(sv)),
            Message::Sync(SyncMessage::SyncStep2(update)) => heard.push(Heard::Step2(update)),
            Message::Sync(SyncMessage::Update(update)) => heard.push(Heard::Update(update)),
            Message::Auth(Some(reason)) => heard.push(Heard::Refused(reason)),
            _ => {}
        }
    }
    Ok(heard)
}

/// Our state vector, opening a document's exchange.
pub fn step1(sv: StateVector) -> Vec<u8> {
    Message::Sync(SyncMessage::SyncStep1(sv)).encode_v1()
}

/// What the server lacks, answering its state vector.
pub fn step2(update: Vec<u8>) -> Vec<u8> {
    Message::Sync(SyncMessage::SyncStep2(update)).encode_v1()
}

/// A change made here.
pub fn update(update: Vec<u8>) -> Vec<u8> {
    Message::Sync(SyncMessage::Update(update)).encode_v1()
}

/// A state vector sent in a step 1.
pub fn state_vector(bytes: &[u8]) -> Result<StateVector, SyncError> {
    StateVector::decode_v1(bytes).map_err(|e| SyncError::Malformed(e.to_string()))
}

/// A y-protocols `message` for Hocuspocus: framed with its document's name.
pub fn named(name: &str, message: &[u8]) -> Vec<u8> {
    let mut framed = Vec::with_capacity(name.len() + message.len() + 4);
    framed.write_string(name);
    framed.extend_from_slice(message);
    framed
}

/// Hocuspocus's first message for a document: the token it checks.
pub fn token(name: &str, token: &str) -> Vec<u8> {
    let mut message = Vec::new();
    message.write_var(2u32); // auth
    message.write_var(0u32); // token
    message.write_string(token);
    named(name, &message)
}

/// Reads one Hocuspocus message: the document it is about, and what sync acts on. Its sync
/// replies (type 4) are sync messages; a refused token or a closing document is a refusal; its
/// save receipts and anything else are read past.
pub fn read_named(bytes: &[u8]) -> Result<(String, Vec<Heard>), SyncError> {
    if bytes.len() > MAX_UPDATE_BYTES {
        return Err(SyncError::TooLarge(bytes.len()));
    }
    let malformed = |e: yrs::encoding::read::Error| SyncError::Malformed(e.to_string());
    let mut cursor = Cursor::new(bytes);
    let name = cursor.read_string().map_err(malformed)?.to_string();
    let kind: u32 = cursor.read_var().map_err(malformed)?;
    let heard = match kind {
        0 | 4 => {
            let mut decoder = DecoderV1::new(cursor);
            match SyncMessage::decode(&mut decoder).map_err(malformed)? {
                SyncMessage::SyncStep1(sv) => vec![Heard::Step1(sv)],
                SyncMessage::SyncStep2(update) => vec![Heard::Step2(update)],
                SyncMessage::Update(update) => vec![Heard::Update(update)],
            }
        }
        2 => match cursor.read_var::<u32>().map_err(malformed)? {
            1 => {
                let reason = cursor.read_string().map_err(malformed)?;
                vec![Heard::Refused(reason.to_string())]
            }
            _ => Vec::new(),
        },
        7 => {
            let reason = cursor.read_string().unwrap_or("closed");
            vec![Heard::Refused(reason.to_string())]
        }
        _ => Vec::new(),
    };
    Ok((name, heard))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn frame(name: &str, parts: &[u32], text: Option<&str>) -> Vec<u8> {
        let mut message = Vec::new();
        for part in parts {
            message.write_var(*part);
        }
        if let Some(text) = text {
            message.write_string(text);
        }
        named(name, &message)
    }

    #[test]
    fn hocuspocus_messages_carry_their_document() {
        let sv = StateVector::default();
        let (name, heard) = read_named(&named("room-a", &step1(sv.clone()))).unwrap();
        assert_eq!((name.as_str(), heard), ("room-a", vec![Heard::Step1(sv)]));
        // A sync reply (type 4) is a sync message.
        let mut reply = step2(vec![0, 0]);
        reply[0] = 4;
        let (_, heard) = read_named(&named("room-a", &reply)).unwrap();
        assert_eq!(heard, vec![Heard::Step2(vec![0, 0])]);
    }

    #[test]
    fn hocuspocus_auth_answers_are_read_its_way() {
        let refused = frame("r", &[2, 1], Some("The sync token is wrong."));
        assert_eq!(
            read_named(&refused).unwrap().1,
            vec![Heard::Refused("The sync token is wrong.".into())]
        );
        // Authenticated, save receipts and awareness change nothing.
        assert!(read_named(&frame("r", &[2, 2], Some("read-write")))
            .unwrap()
            .1
            .is_empty());
        assert!(read_named(&frame("r", &[8, 1], None)).unwrap().1.is_empty());
        assert!(read_named(&frame("r", &[1], None)).unwrap().1.is_empty());
        // Our token message is what the server reads: auth, token, the token.
        assert_eq!(token("r", "secret"), frame("r", &[2, 0], Some("secret")));
    }

    proptest! {
        #[test]
        fn any_bytes_are_read_or_refused_without_a_panic(bytes in proptest::collection::vec(any::<u8>(), 0..80)) {
            let _ = read_named(&bytes);
            let _ = read(&bytes);
        }
    }
}
