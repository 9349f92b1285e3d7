//! Pool statistics.

use std::sync::atomic::Ordering;

use super::State;

/// A snapshot of a connection pool.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct PoolStats {
    /// Every connection counted against `max_connections`: connecting, idle, in use.
    pub connections: usize,
    /// Idle HTTP/1.1 connections.
    pub idle: usize,
    /// Shared HTTP/2 connections.
    pub http2_connections: usize,
    /// Open HTTP/2 streams.
    pub http2_streams: usize,
    /// Requests waiting for a slot (an upper bound: waiters that gave up are counted
    /// until they are met).
    pub waiting: usize,
    /// The cap, if any.
    pub max_connections: Option<usize>,
    /// Per origin (`scheme://host:port`).
    pub origins: Vec<OriginStats>,
}

/// One origin's part of [`PoolStats`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct OriginStats {
    /// `scheme://host:port`.
    pub origin: String,
    /// Idle HTTP/1.1 connections.
    pub idle: usize,
    /// Shared HTTP/2 connections.
    pub http2_connections: usize,
    /// Open HTTP/2 streams.
    pub http2_streams: usize,
    /// Requests of this origin waiting (upper bound).
    pub waiting: usize,
}

pub(super) fn collect(state: &State, max_connections: Option<usize>) -> PoolStats {
    let mut stats = PoolStats {
        connections: state.total,
        idle: state.idle_total,
        waiting: state.slot_waiters.len(),
        max_connections,
        ..PoolStats::default()
    };
    for (key, origin) in &state.origins {
        let streams: usize = origin
            .h2
            .iter()
            .map(|entry| entry.active.load(Ordering::Relaxed))
            .sum();
        stats.http2_connections += origin.h2.len();
        stats.http2_streams += streams;
        stats.origins.push(OriginStats {
            origin: key.origin(),
            idle: origin.idle.len(),
            http2_connections: origin.h2.len(),
            http2_streams: streams,
            waiting: origin.waiters.len(),
        });
    }
    stats.origins.sort_by(|a, b| a.origin.cmp(&b.origin));
    stats
}
