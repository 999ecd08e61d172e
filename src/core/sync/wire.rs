//! The y-protocols messages a stock `y-websocket` server exchanges: `[type][payload]`, where
//! sync (type 0) carries step 1 (a state vector), step 2 or an update. Awareness and anything
//! else is read past.

use yrs::encoding::read::Cursor;
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
