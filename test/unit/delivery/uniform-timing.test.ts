import { describe, expect, it } from 'vitest';
import { atLeast } from '../../../src/delivery/uniform-timing';

function fakeTime(start = 0) {
  let now = start;
  const slept: number[] = [];
  return {
    clock: () => new Date(now),
    sleep: async (ms: number) => {
      slept.push(ms);
      now += ms;
    },
    advance: (ms: number) => {
      now += ms;
    },
    slept,
  };
}

describe('atLeast', () => {
  it('pads a fast answer up to the floor', async () => {
    const time = fakeTime();

    const result = await atLeast(
      1_500,
      async () => {
        time.advance(200);
        return 'done';
      },
      time,
    );

    expect(result).toBe('done');
    expect(time.slept).toEqual([1_300]);
  });

  it('adds nothing when the work already took longer than the floor', async () => {
    const time = fakeTime();

    await atLeast(1_500, async () => time.advance(2_000), time);

    expect(time.slept).toEqual([]);
  });

  it('pads failures too, then rethrows them', async () => {
    const time = fakeTime();

    await expect(
      atLeast(
        1_500,
        async () => {
          time.advance(100);
          throw new Error('SES refused');
        },
        time,
      ),
    ).rejects.toThrow('SES refused');
    expect(time.slept).toEqual([1_400]);
  });
});
