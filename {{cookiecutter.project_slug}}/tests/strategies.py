"""What a hostile client may send, as Hypothesis strategies for the property tests."""

from hypothesis import strategies as st

# Any character, lone surrogates included: json.dumps writes them as "\ud800" escapes.
any_text = st.text(st.characters(exclude_categories=()), max_size=50)

# Any JSON value, NaN and infinities included (json.dumps writes them, strict JSON refuses them).
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | any_text,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(any_text, children, max_size=4)
    ),
    max_leaves=12,
)

# Any JSON value, and as often objects with a "text" of any kind, the shape a message has.
json_documents = st.one_of(
    json_values,
    st.fixed_dictionaries({"text": json_values}),
    st.fixed_dictionaries({"text": any_text}),
)
