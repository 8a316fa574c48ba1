import { likePattern } from '../src/like-pattern';

describe('likePattern', () => {
  it('escapes %, _ and the escape character so they match themselves', () => {
    expect(likePattern('contains', '50%_off\\')).toBe('%50\\%\\_off\\\\%');
  });

  it('places the wildcard by operator', () => {
    expect(likePattern('starts_with', 'Sal')).toBe('Sal%');
    expect(likePattern('ends_with', 'Sal')).toBe('%Sal');
  });
});
