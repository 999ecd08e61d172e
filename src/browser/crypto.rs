//! WebCrypto's AES-GCM: the encryption of hosted bundles (the key travels only in the link's
//! fragment).

use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use super::BrowserError;
use crate::core::exchange::bundle;

fn subtle() -> Result<web_sys::SubtleCrypto, BrowserError> {
    web_sys::window()
        .and_then(|w| w.crypto().ok())
        .map(|c| c.subtle())
        .ok_or(BrowserError::InsecurePage)
}

fn random_bytes<const N: usize>() -> Result<[u8; N], BrowserError> {
    let mut bytes = [0u8; N];
    web_sys::window()
        .and_then(|w| w.crypto().ok())
        .and_then(|c| c.get_random_values_with_u8_array(&mut bytes).ok())
        .ok_or(BrowserError::NoRandom)?;
    Ok(bytes)
}

fn aes_gcm(iv: Option<&[u8; 12]>) -> Result<Object, BrowserError> {
    let params = Object::new();
    let set = |k: &str, v: &JsValue| Reflect::set(&params, &k.into(), v).map(|_| ());
    set("name", &"AES-GCM".into()).map_err(|_| BrowserError::NoEncryption)?;
    if let Some(iv) = iv {
        set("iv", &Uint8Array::from(&iv[..]).into()).map_err(|_| BrowserError::NoEncryption)?;
    }
    Ok(params)
}

async fn import_key(key: &[u8; 16]) -> Result<web_sys::CryptoKey, BrowserError> {
    let usages = Array::of2(&"encrypt".into(), &"decrypt".into());
    let promise = subtle()?
        .import_key_with_object(
            "raw",
            &Uint8Array::from(&key[..]),
            &aes_gcm(None)?,
            false,
            &usages,
        )
        .map_err(|_| BrowserError::KeyUnusable)?;
    JsFuture::from(promise)
        .await
        .map(|k| k.unchecked_into())
        .map_err(|_| BrowserError::KeyUnusable)
}

/// SHA-256 of `bytes` in lowercase hex: the name a file's contents are stored under.
pub async fn sha256_hex(bytes: &Uint8Array) -> Result<String, BrowserError> {
    let promise = subtle()?
        .digest_with_str_and_buffer_source("SHA-256", bytes)
        .map_err(|_| BrowserError::NoDigest)?;
    let digest = JsFuture::from(promise)
        .await
        .map_err(|_| BrowserError::NoDigest)?;
    Ok(Uint8Array::new(&digest)
        .to_vec()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

/// Encrypts a bundle with a fresh key; returns the sealed file and the key for the link.
pub async fn seal(plain: &[u8]) -> Result<(Vec<u8>, [u8; 16]), BrowserError> {
    let key = random_bytes::<16>()?;
    Ok((seal_with(plain, &key).await?, key))
}

/// Encrypts a bundle with a key already given out (an update of a published course), under a
/// fresh IV, as AES-GCM needs for every file sealed with one key.
pub async fn seal_with(plain: &[u8], key: &[u8; 16]) -> Result<Vec<u8>, BrowserError> {
    let iv = random_bytes::<12>()?;
    let crypto_key = import_key(key).await?;
    let promise = subtle()?
        .encrypt_with_object_and_u8_array(&aes_gcm(Some(&iv))?, &crypto_key, plain)
        .map_err(|_| BrowserError::NotEncrypted)?;
    let cipher = JsFuture::from(promise)
        .await
        .map_err(|_| BrowserError::NotEncrypted)?;
    Ok(bundle::seal_frame(&iv, &Uint8Array::new(&cipher).to_vec()))
}

/// Decrypts a sealed bundle file with the key from the link.
pub async fn unseal(sealed: &[u8], key: &[u8; 16]) -> Result<Vec<u8>, BrowserError> {
    let (iv, cipher) = bundle::open_frame(sealed).map_err(BrowserError::Frame)?;
    let crypto_key = import_key(key).await?;
    let promise = subtle()?
        .decrypt_with_object_and_u8_array(&aes_gcm(Some(&iv))?, &crypto_key, cipher)
        .map_err(|_| BrowserError::NotDecrypted)?;
    let plain = JsFuture::from(promise)
        .await
        .map_err(|_| BrowserError::WrongKey)?;
    Ok(Uint8Array::new(&plain).to_vec())
}
