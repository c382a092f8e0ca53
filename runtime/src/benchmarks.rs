//! The pallets whose FRAME benchmarks the runtime exposes to
//! `hypermesh-node benchmark pallet`, and the runtime's own era-transition benchmark
//! (`crate::era_transition_benchmark`).

frame_benchmarking::define_benchmarks!(
	[frame_benchmarking, BaselineBench::<Runtime>]
	[frame_system, SystemBench::<Runtime>]
	[frame_system_extensions, SystemExtensionsBench::<Runtime>]
	[pallet_balances, Balances]
	[pallet_timestamp, Timestamp]
	[pallet_sudo, Sudo]
	[pallet_utility, Utility]
	[pallet_trustchain, TrustChain]
	[pallet_hypermesh_assets, AssetRegistry]
	[pallet_caesar, Caesar]
	[pallet_preimage, Preimage]
	[pallet_scheduler, Scheduler]
	[pallet_referenda, Referenda]
	[pallet_conviction_voting, ConvictionVoting]
	[pallet_whitelist, Whitelist]
	[pallet_collective, TechnicalCommittee]
	[pallet_treasury, Treasury]
	[pallet_parameters, Parameters]
	[hypermesh_era_transition, EraTransitionBench::<Runtime>]
);
