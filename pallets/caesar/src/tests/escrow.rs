//! Lease escrow: the lease's price held from the consumer at opening, the provider paid
//! pro rata for the blocks served at closing and the consumer refunded the rest.

use super::*;

type Escrow = Caesar;

fn open(allocation: u64, price: u128, start: u64, end: u64) -> Result<(), EscrowError> {
	<Escrow as LeaseEscrow<u64, u64>>::open(allocation, &1, &2, price, start, end)
}

fn close(allocation: u64, now: u64) -> Result<(u128, u128), EscrowError> {
	<Escrow as LeaseEscrow<u64, u64>>::close(allocation, now)
}

#[test]
fn open_holds_the_lease_price() {
	new_test_ext().execute_with(|| {
		assert_eq!(open(7, 3, 10, 110), Ok(()));
		System::assert_last_event(
			Event::LeaseOpened {
				allocation: 7,
				consumer: 1,
				provider: 2,
				amount: 300,
			}
			.into(),
		);
		assert_eq!(held(HoldReason::LeaseEscrow, 1), 300);
		assert_eq!(free(1), ENDOWMENT - 300);
		assert_eq!(
			Leases::<Test>::get(7),
			Some(Lease {
				consumer: 1,
				provider: 2,
				price_per_block: 3,
				start: 10,
				end: 110
			})
		);
		// One escrow per allocation.
		assert_eq!(open(7, 1, 10, 20), Err(EscrowError::AlreadyOpen));
		assert_eq!(held(HoldReason::LeaseEscrow, 1), 300);
		// A second lease shares the hold.
		assert_eq!(open(8, 1, 10, 20), Ok(()));
		assert_eq!(held(HoldReason::LeaseEscrow, 1), 310);
	});
}

#[test]
fn open_refuses_what_the_consumer_cannot_pay() {
	new_test_ext().execute_with(|| {
		let issued = issuance();
		// 100 blocks at 1000.
		assert_eq!(open(7, 1_000, 0, 100), Err(EscrowError::InsufficientFunds));
		// All of the balance would reap the account.
		assert_eq!(
			open(7, 1, 0, ENDOWMENT),
			Err(EscrowError::InsufficientFunds)
		);
		// Prices and totals beyond the balance type.
		assert_eq!(
			open(7, u128::MAX, 0, 2),
			Err(EscrowError::InsufficientFunds)
		);
		assert_eq!(
			open(7, u128::from(u64::MAX), 0, 2),
			Err(EscrowError::InsufficientFunds)
		);
		assert_eq!(Leases::<Test>::get(7), None);
		assert_eq!(held(HoldReason::LeaseEscrow, 1), 0);
		assert_eq!(free(1), ENDOWMENT);
		assert_eq!(issuance(), issued);
	});
}

#[test]
fn close_pays_the_blocks_served_and_refunds_the_rest() {
	new_test_ext().execute_with(|| {
		assert_eq!(open(7, 3, 10, 110), Ok(()));
		// 30 of 100 blocks served.
		assert_eq!(close(7, 40), Ok((90, 210)));
		System::assert_last_event(
			Event::LeaseClosed {
				allocation: 7,
				paid: 90,
				refunded: 210,
			}
			.into(),
		);
		assert_eq!(free(1), ENDOWMENT - 90);
		assert_eq!(free(2), ENDOWMENT + 90);
		assert_eq!(held(HoldReason::LeaseEscrow, 1), 0);
		assert_eq!(Leases::<Test>::get(7), None);
		assert_eq!(close(7, 40), Err(EscrowError::Unknown));
	});
}

#[test]
fn close_after_the_end_pays_all_and_before_the_start_refunds_all() {
	new_test_ext().execute_with(|| {
		assert_eq!(open(7, 3, 10, 110), Ok(()));
		assert_eq!(open(8, 2, 10, 60), Ok(()));
		assert_eq!(close(7, 500), Ok((300, 0)));
		assert_eq!(close(8, 5), Ok((0, 100)));
		assert_eq!(free(1), ENDOWMENT - 300);
		assert_eq!(free(2), ENDOWMENT + 300);
		assert_eq!(held(HoldReason::LeaseEscrow, 1), 0);
		assert_eq!(close(9, 5), Err(EscrowError::Unknown));
	});
}

#[test]
fn a_free_or_empty_lease_holds_nothing() {
	new_test_ext().execute_with(|| {
		assert_eq!(open(7, 0, 10, 110), Ok(()));
		assert_eq!(open(8, 5, 10, 10), Ok(()));
		assert_eq!(held(HoldReason::LeaseEscrow, 1), 0);
		assert_eq!(close(7, 50), Ok((0, 0)));
		assert_eq!(close(8, 50), Ok((0, 0)));
	});
}

#[test]
fn a_provider_that_cannot_be_paid_leaves_the_consumer_refunded() {
	new_test_ext().execute_with(|| {
		// Account 8 does not exist and 5 is below the existential deposit.
		assert_eq!(
			<Escrow as LeaseEscrow<u64, u64>>::open(7, &1, &8, 1, 0, 100),
			Ok(())
		);
		assert_eq!(close(7, 5), Ok((0, 100)));
		assert_eq!(free(1), ENDOWMENT);
		assert_eq!(free(8), 0);
	});
}
