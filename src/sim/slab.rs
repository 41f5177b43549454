//! A generational slab: stable keys for things in flight (requests, calls, messages), reused
//! slots, and stale keys that safely find nothing.

/// A handle to a slab entry. A key outlives its entry harmlessly: after removal, lookups with it
/// return `None` even when the slot is reused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Key {
    index: u32,
    generation: u32,
}

impl Key {
    /// A key no slab ever gives out: it finds nothing (for work answered before it was stored).
    pub const NONE: Key = Key { index: u32::MAX, generation: u32::MAX };
}

#[derive(Debug)]
struct Entry<T> {
    generation: u32,
    value: Option<T>,
}

/// Storage with O(1) insert, lookup and removal by [`Key`].
#[derive(Debug)]
pub struct Slab<T> {
    entries: Vec<Entry<T>>,
    free: Vec<u32>,
    len: usize,
}

impl<T> Default for Slab<T> {
    fn default() -> Self {
        Self { entries: Vec::new(), free: Vec::new(), len: 0 }
    }
}

impl<T> Slab<T> {
    /// Stores `value` and returns its key.
    pub fn insert(&mut self, value: T) -> Key {
        self.len += 1;
        if let Some(index) = self.free.pop() {
            let entry = &mut self.entries[index as usize];
            entry.generation = entry.generation.wrapping_add(1);
            entry.value = Some(value);
            Key { index, generation: entry.generation }
        } else {
            let index = self.entries.len() as u32;
            self.entries.push(Entry { generation: 0, value: Some(value) });
            Key { index, generation: 0 }
        }
    }

    /// The value under `key`, if it is still there.
    pub fn get(&self, key: Key) -> Option<&T> {
        self.entries.get(key.index as usize).filter(|e| e.generation == key.generation).and_then(|e| e.value.as_ref())
    }

    /// The value under `key`, mutably, if it is still there.
    pub fn get_mut(&mut self, key: Key) -> Option<&mut T> {
        self.entries
            .get_mut(key.index as usize)
            .filter(|e| e.generation == key.generation)
            .and_then(|e| e.value.as_mut())
    }

    /// Removes and returns the value under `key`, if it is still there.
    pub fn remove(&mut self, key: Key) -> Option<T> {
        let entry = self.entries.get_mut(key.index as usize).filter(|e| e.generation == key.generation)?;
        let value = entry.value.take()?;
        self.free.push(key.index);
        self.len -= 1;
        Some(value)
    }

    /// Number of stored values.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Every stored value with its key, in slot order (deterministic).
    pub fn iter(&self) -> impl Iterator<Item = (Key, &T)> {
        self.entries
            .iter()
            .enumerate()
            .filter_map(|(i, e)| e.value.as_ref().map(|v| (Key { index: i as u32, generation: e.generation }, v)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stale_keys_find_nothing_after_reuse() {
        let mut s = Slab::default();
        let a = s.insert("a");
        assert_eq!(s.remove(a), Some("a"));
        let b = s.insert("b");
        assert_eq!(s.get(a), None);
        assert_eq!(s.remove(a), None);
        assert_eq!(s.get(b), Some(&"b"));
        assert_eq!(s.len(), 1);
    }
}
