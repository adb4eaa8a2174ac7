// The admin's list of users. Each mutation replaces the affected row with the server's answer, so the table
// always shows what the server stored, never what we hoped it stored.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { api } from '../api/client';
import type { CreateUserRequest, UpdateUserRequest, User } from '../api/types';

export const useUsersStore = defineStore('users', () => {
  const users = ref<User[]>([]);
  const loading = ref(false);
  const loaded = ref(false);

  async function load(): Promise<void> {
    loading.value = true;
    try {
      users.value = await api.listUsers();
      loaded.value = true;
    } finally {
      loading.value = false;
    }
  }

  async function create(request: CreateUserRequest): Promise<User> {
    const created = await api.createUser(request);
    users.value = [...users.value, created];
    return created;
  }

  async function update(id: number, patch: UpdateUserRequest): Promise<User> {
    const updated = await api.updateUser(id, patch);
    users.value = users.value.map((user) => (user.id === id ? updated : user));
    return updated;
  }

  async function remove(id: number): Promise<void> {
    await api.deleteUser(id);
    users.value = users.value.filter((user) => user.id !== id);
  }

  return { users, loading, loaded, load, create, update, remove };
});
