"""Reference outputs for the tabular loader tests (src/tabular/*.test.ts).

Builds the same small fixtures as the tests (closed-form values, identical in float64 in
Python and JavaScript) and runs the MAF preprocessing steps on them the way the paper's code
does (github.com/gpapamak/maf, datasets/*.py), with numpy only (pandas' corr and std are
np.corrcoef and ddof=1). Run: python3 scripts/maf-reference.py  (numpy >= 1.17).
"""
import json
from collections import Counter

import numpy as np


def power_fixture(n=250):
    return np.array([[((i * 37 + c * 11) % 101) / 7 + c for c in range(8)] for i in range(n)], dtype=np.float64)


def gas_fixture(n=300):
    def base(i, c):
        return ((i * (2 * c + 3) + c * c * 5) % 97) / 9 + c
    rows = []
    for i in range(n):
        row = [base(i, c) for c in range(16)]
        row[5] = 2 * base(i, 2) + (i % 3) * 0.01
        row[9] = base(i, 2) - (i % 5) * 0.002
        row[12] = -base(i, 4)
        row[14] = 3 * base(i, 7) + 1
        rows.append(row)
    return np.array(rows)


def hepmass_row(i, cols):
    label = 0.0 if i % 3 == 0 else 1.0
    feats = [((i * (3 * c + 5) + 7 * c) % 89) / 11 - 2 for c in range(28)]
    feats[3] = float(i % 4)
    feats[10] = max(feats[10], 1.0)
    feats[27] = 1000.0
    row = [label] + feats
    if cols == 30:
        row.append(42.0)
    return row


def miniboone_fixture(n=150):
    return np.array([[((i * (c + 2) * 7 + c) % 53) / 5 - c / 3 for c in range(43)] for i in range(n)])


def summary(train, val, test):
    f = lambda a: a.astype(np.float32).astype(np.float64)
    train, val, test = f(train), f(val), f(test)
    return {
        'shapes': [list(train.shape), list(val.shape), list(test.shape)],
        'trainFirst': train[0].tolist(),
        'testLast': test[-1].tolist(),
        'valMean': val.mean(axis=0).tolist(),
    }


def power():
    rng = np.random.RandomState(42)
    data = power_fixture()
    rng.shuffle(data)
    N = data.shape[0]
    data = np.delete(data, 3, axis=1)
    data = np.delete(data, 1, axis=1)
    voltage_noise = 0.01 * rng.rand(N, 1)
    gap_noise = 0.001 * rng.rand(N, 1)
    sm_noise = rng.rand(N, 3)
    time_noise = np.zeros((N, 1))
    data = data + np.hstack((gap_noise, voltage_noise, sm_noise, time_noise))
    N_test = int(0.1 * data.shape[0])
    data_test = data[-N_test:]
    data = data[0:-N_test]
    N_validate = int(0.1 * data.shape[0])
    data_validate = data[-N_validate:]
    data_train = data[0:-N_validate]
    both = np.vstack((data_train, data_validate))
    mu, s = both.mean(axis=0), both.std(axis=0)
    return summary((data_train - mu) / s, (data_validate - mu) / s, (data_test - mu) / s)


def gas():
    data = gas_fixture()
    cols = list(range(data.shape[1]))
    while True:
        B = (np.corrcoef(data[:, cols], rowvar=False) > 0.98).sum(axis=1)
        if not np.any(B > 1):
            break
        del cols[int(np.where(B > 1)[0][0])]
    data = data[:, cols]
    data = (data - data.mean(axis=0)) / data.std(axis=0, ddof=1)
    N_test = int(0.1 * data.shape[0])
    data_test = data[-N_test:]
    data_train = data[0:-N_test]
    N_validate = int(0.1 * data_train.shape[0])
    data_validate = data_train[-N_validate:]
    data_train = data_train[0:-N_validate]
    out = summary(data_train, data_validate, data_test)
    out['kept'] = cols
    return out


def hepmass():
    train = np.array([hepmass_row(i, 29) for i in range(400)])
    test = np.array([hepmass_row(i + 1000, 30) for i in range(200)])
    train = train[train[:, 0] == 1][:, 1:]
    test = test[test[:, 0] == 1][:, 1:]
    test = test[:, :-1]  # "Because the data set is messed up!"
    mu = train.mean(axis=0)
    s = train.std(axis=0, ddof=1)
    with np.errstate(invalid='ignore', divide='ignore'):
        train, test = (train - mu) / s, (test - mu) / s
    remove = []
    for i, feature in enumerate(train.T):
        if np.all(np.isnan(feature)):  # a constant column (std 0): all its values repeat
            remove.append(i)
            continue
        c = Counter(feature)
        if np.array([v for k, v in sorted(c.items())])[0] > 5:
            remove.append(i)
    keep = [i for i in range(train.shape[1]) if i not in remove]
    train, test = train[:, keep], test[:, keep]
    N_validate = int(train.shape[0] * 0.1)
    out = summary(train[0:-N_validate], train[-N_validate:], test)
    out['kept'] = keep
    return out


def miniboone():
    data = miniboone_fixture()
    N_test = int(0.1 * data.shape[0])
    data_test = data[-N_test:]
    data = data[0:-N_test]
    N_validate = int(0.1 * data.shape[0])
    data_validate = data[-N_validate:]
    data_train = data[0:-N_validate]
    both = np.vstack((data_train, data_validate))
    mu, s = both.mean(axis=0), both.std(axis=0)
    return summary((data_train - mu) / s, (data_validate - mu) / s, (data_test - mu) / s)


if __name__ == '__main__':
    print(json.dumps({'power': power(), 'gas': gas(), 'hepmass': hepmass(), 'miniboone': miniboone()}))
