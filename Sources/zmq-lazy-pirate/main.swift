// Placeholder: replaced by the program this target is for.
print("zmq-lazy-pirate: not written yet")
