# Spread of the unbiased RBF MMD^2 estimator at n = 3000 (1-D N(0,1) vs N(1,1) and vs N(0,1),
# bandwidth 1.5), independent of dmt: the source of the bands in tests/unit/metrics_test.cpp.
# Run: /usr/bin/python3 tests/reference/mmd_spread.py
import numpy as np
rng=np.random.default_rng(0)
l=1.5; mu=1.0; n=3000
vals=[]
for s in range(60):
    x=rng.standard_normal(n); y=rng.standard_normal(n)+mu
    k=lambda a,b: np.exp(-(a[:,None]-b[None,:])**2/(2*l*l))
    kxx=k(x,x); kyy=k(y,y); kxy=k(x,y)
    v=(kxx.sum()-n)/(n*(n-1))+(kyy.sum()-n)/(n*(n-1))-2*kxy.mean()
    vals.append(v)
print('mmd sd', np.std(vals), np.mean(vals), 2*np.sqrt(l*l/(l*l+2))*(1-np.exp(-mu*mu/(2*(l*l+2)))))
vals=[]
for s in range(60):
    x=rng.standard_normal(n); y=rng.standard_normal(n)
    k=lambda a,b: np.exp(-(a[:,None]-b[None,:])**2/(2*l*l))
    v=(k(x,x).sum()-n)/(n*(n-1))+(k(y,y).sum()-n)/(n*(n-1))-2*k(x,y).mean()
    vals.append(v)
print('mmd null sd', np.std(vals))
