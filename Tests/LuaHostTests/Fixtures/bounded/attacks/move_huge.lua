-- Attack: table.move over 2^63 indexes of empty tables.
-- Stock lua5.4 spends this inside one C call, where no count hook can fire.
table.move({}, 1, math.maxinteger - 1, 1, {})
print("NOT STOPPED")
