// SPDX-License-Identifier: MIT OR Apache-2.0
//
// STOQ's kernel packet counters: a socket filter attached to a STOQ endpoint's UDP
// socket (SO_ATTACH_BPF) that counts what the kernel delivers to that socket before
// quinn reads it. It accepts every packet unchanged (it returns the full length).
//
// Built by stoq's build.rs only with the `ebpf` feature:
//   clang -O2 -g -target bpf -c udp_counters.bpf.c
// and loaded by aya (stoq/src/ebpf.rs). The map is read from user space by index.

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

// Indices into STOQ_RX; must match stoq/src/ebpf.rs.
#define RX_BUFFERS 0   // socket buffers (one per receive, or one per GRO batch)
#define RX_DATAGRAMS 1 // UDP datagrams (a GRO batch counts as its segments)
#define RX_BYTES 2     // UDP payload bytes (without the 8-byte UDP header)

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 3);
	__type(key, __u32);
	__type(value, __u64);
} STOQ_RX SEC(".maps");

static __always_inline void add(__u32 index, __u64 amount)
{
	__u64 *counter = bpf_map_lookup_elem(&STOQ_RX, &index);
	if (counter)
		*counter += amount; // per-CPU slot: no other CPU writes it
}

SEC("socket")
int stoq_rx(struct __sk_buff *skb)
{
	__u32 segments = skb->gso_segs;
	__u32 len = skb->len; // from the UDP header on

	add(RX_BUFFERS, 1);
	add(RX_DATAGRAMS, segments ? segments : 1);
	add(RX_BYTES, len > 8 ? len - 8 : 0);
	return skb->len;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
